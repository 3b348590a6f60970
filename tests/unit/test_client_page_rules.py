"""The client page's pure rules: the form token's window, and how a time reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from service.client_page.form_tokens import WINDOW_SECONDS, form_token, is_valid
from service.composers.client_page.texts import language_of, when

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def test_a_form_token_holds_for_its_window_and_the_next() -> None:
    token = form_token("pp_secret", NOW)
    assert is_valid("pp_secret", token, NOW)
    assert is_valid("pp_secret", token, NOW + timedelta(seconds=WINDOW_SECONDS))
    assert not is_valid("pp_secret", token, NOW + timedelta(seconds=2 * WINDOW_SECONDS))
    assert not is_valid("pp_other", token, NOW)
    for wrong in (None, "", "x", "1.2.3", "abc.def", f"{'9' * 30}.00"):
        assert not is_valid("pp_secret", wrong, NOW)


def test_times_read_in_each_language_and_in_plain_language() -> None:
    zone = ZoneInfo("Europe/Helsinki")
    starts = datetime(2027, 3, 14, 9, 30, tzinfo=zone)
    ends = starts + timedelta(hours=2)
    assert when("fi", False, starts, ends) == ["su 14.3.2027 klo 09.30–11.30"]
    assert when("sv", False, starts, ends) == ["sön 14.3.2027 kl. 09.30–11.30"]
    assert when("en", False, starts, ends) == ["Sun 14 March 2027, 09:30–11:30"]
    assert when("fi", True, starts, ends) == [
        "Sunnuntaina 14.3.2027.",
        "Alkaa kello 09.30.",
        "Loppuu kello 11.30.",
    ]


def test_the_language_asked_for_wins_when_it_is_one_of_the_three() -> None:
    assert language_of("sv", "fi") == "sv"
    assert language_of("de", "en") == "en"
    assert language_of(None, "fi") == "fi"
