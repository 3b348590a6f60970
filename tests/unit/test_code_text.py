"""The one-time code's message: one SMS of GSM-7 characters in every language, the code
in it, and the same words by e-mail."""

from __future__ import annotations

import pytest

from service.notifications.code_text import code_email, code_sms
from service.notifications.render import SMS_LENGTH, gsm7, gsm7_length


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_code_fits_one_gsm7_sms(language: str) -> None:
    text = code_sms(language, "012345")
    assert "012345" in text
    assert gsm7(text) == text, "only characters every phone shows"
    assert gsm7_length(text) <= SMS_LENGTH


def test_the_email_says_the_same_one_sentence_a_line() -> None:
    mail = code_email("en", "987654")
    assert mail.subject == "Your Polku code"
    assert mail.body.splitlines()[0] == "Your Polku code is 987654."
    assert code_sms("en", "987654").startswith(mail.body.splitlines()[0])


def test_an_unknown_language_reads_finnish() -> None:
    assert code_sms("de", "111111").startswith("Polku-koodisi on 111111.")
