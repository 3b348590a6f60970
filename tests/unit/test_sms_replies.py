"""What an SMS reply means, whose number it came from, whether the gateway signed it, and
which of two clients sharing a phone replied: the pure rules of two-way SMS."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from service.base.phones import e164
from service.composers.sms_replies.handling import Sender, the_sender
from service.composers.sms_replies.signature import is_signed, signature
from service.composers.sms_replies.words import meaning

COMING = ["K", "kyllä", "Kyllä", "joo", "J", "ja", "Y", "yes", "YES"]
NOT_COMING = ["E", "ei", "EI", "N", "nej", "Nej", "no", "No"]


@pytest.mark.parametrize("word", COMING)
@pytest.mark.parametrize("around", ["{}", " {} ", "{}!", "{}.", "  {} 👍", "¡{}?", "{}\n"])
def test_yes_words_mean_coming(word: str, around: str) -> None:
    assert meaning(around.format(word)) == "coming"


@pytest.mark.parametrize("word", NOT_COMING)
@pytest.mark.parametrize("around", ["{}", " {} ", "{}!!", "😞 {}", "{}..."])
def test_no_words_mean_not_coming(word: str, around: str) -> None:
    assert meaning(around.format(word)) == "not_coming"


@pytest.mark.parametrize("text", ["STOP", "stop", "Lopeta.", " LOPETA ", "Sluta!", "sluta 🙏"])
def test_stop_words_opt_out(text: str) -> None:
    assert meaning(text) == "opt_out"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "👍", "kyllä tulen", "en pääse, olen kipeä", "Ei tänään", "nope", "STOP IT", "K E"],
)
def test_anything_else_is_a_message_for_a_person(text: str) -> None:
    assert meaning(text) == "message"


PHONES = [
    ("+358 40 123 4567", "+358401234567"),
    ("040 123 4567", "+358401234567"),
    ("040-123 45 67", "+358401234567"),
    ("(09) 123 4567", "+35891234567"),
    ("00358 50 555 0100", "+358505550100"),
    ("358505550100", "+358505550100"),
    ("+46 70 123 45 67", "+46701234567"),
    ("+0 12 345", None),
    ("12", None),
    ("Polku", None),
    ("+358 40 123 4567 8901 23", None),
    ("", None),
]


@pytest.mark.parametrize(("written", "expected"), PHONES)
def test_phone_numbers_in_e164(written: str, expected: str | None) -> None:
    assert e164(written) == expected


async def test_the_database_reads_phone_numbers_by_the_same_rule(db: asyncpg.Connection) -> None:
    for written, expected in PHONES:
        assert await db.fetchval("SELECT phone_e164($1)", written) == expected, written


def test_the_signature_is_the_hmac_of_the_raw_body() -> None:
    body = b'{"id":"g1","from":"+358401234567","text":"K"}'
    signed = signature("secret", body)
    assert signed.startswith("sha256=") and len(signed) == len("sha256=") + 64
    assert is_signed("secret", body, signed)
    assert not is_signed("other", body, signed)
    assert not is_signed("secret", body + b" ", signed)
    assert not is_signed("secret", body, signed.upper())
    assert not is_signed("secret", body, signed.removeprefix("sha256="))
    assert not is_signed("secret", body, None)


AT = datetime(2027, 3, 10, 18, tzinfo=UTC)


def test_one_client_with_the_number_replied() -> None:
    only = Sender("a", None, None)
    assert the_sender([only]) == only


def test_the_latest_message_tells_two_clients_on_one_phone_apart() -> None:
    parent = Sender("parent", "m1", AT)
    child = Sender("child", "m2", AT - timedelta(days=2))
    assert the_sender([parent, child]) == parent
    assert the_sender([parent, Sender("child", None, None)]) == parent


def test_messages_sent_together_do_not_tell_who_replied() -> None:
    first = Sender("a", "m1", AT)
    second = Sender("b", "m2", AT - timedelta(minutes=2))
    assert the_sender([first, second]) is None
    assert the_sender([Sender("a", None, None), Sender("b", None, None)]) is None
