"""What a feed's events say: the week's theme and a plain description in the reader's
language, the link as the place of a meeting held online, and in a coach's own feed
whom each one-to-one meeting is with."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import vobject

from service.calendar import ics
from service.composers.feeds.serving import feed_event
from tests.calendars import Seen, assert_read_as, golden

STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
STARTS = datetime(2027, 3, 11, 8, tzinfo=UTC)  # 10:00 in Helsinki


def session_row(**changes: Any) -> dict[str, Any]:
    return {
        "id": "5e55",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "sequence": 0,
        "changed_at": STAMP,
        "title": "Arjen taidot",
        "timezone": "Europe/Helsinki",
        "location_name": "Kohtaamispaikka",
        "location_address": "Kauppakatu 1",
        "online_url": "https://meet.example/arki",
        "phone": "+358 40 100 0001",
        "number": 3,
        "weeks": 8,
        "theme": "Raha-asiat",
        "client_first_name": None,
        "client_last_name": None,
        **changes,
    }


def meeting_row(**changes: Any) -> dict[str, Any]:
    meeting = {
        "id": "3ee7",
        "starts_at": STARTS + timedelta(days=1),
        "ends_at": STARTS + timedelta(days=1, hours=1),
        "title": None,
        "location_name": None,
        "location_address": None,
        "online_url": "https://meet.example/valmennus",
        "phone": "+358 40 200 0002",
        "number": None,
        "weeks": None,
        "theme": None,
    }
    return session_row(**{**meeting, **changes})


def events_of(body: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_a_clients_feed_says_which_meeting_it_is_and_what_about() -> None:
    events = [
        feed_event(session_row(), "fi", coach=False),
        feed_event(meeting_row(), "fi", coach=False),
    ]
    body = ics.feed("Polku: Anna", "Europe/Helsinki", events)
    assert_read_as(body, [Seen(e.uid, e.starts_at, e.ends_at) for e in events])
    found = events_of(body)
    session, meeting = found["session-5e55@polku"], found["meeting-3ee7@polku"]
    assert str(session["DESCRIPTION"]) == (
        "Tapaaminen 3/8\n"
        "Aihe: Raha-asiat\n"
        "Linkki etäyhteyteen: https://meet.example/arki\n"
        "Jos et pääse, soita +358 40 100 0001."
    )
    assert str(session["LOCATION"]) == "Kohtaamispaikka, Kauppakatu 1"
    # Held online only: the link is where it is.
    assert str(meeting["LOCATION"]) == "https://meet.example/valmennus"
    assert str(meeting["SUMMARY"]) == "Valmennustapaaminen"
    assert str(meeting["DESCRIPTION"]).startswith("Tapaaminen valmentajan kanssa.")
    assert "VALARM" not in body.decode()
    read = vobject.readOne(body.decode())
    assert {e.location.value for e in read.vevent_list} == {
        "Kohtaamispaikka, Kauppakatu 1",
        "https://meet.example/valmennus",
    }
    golden("client_feed.ics", body)


def test_the_description_is_in_the_clients_language() -> None:
    sv = feed_event(session_row(), "sv", coach=False)
    en = feed_event(meeting_row(), "en", coach=False)
    assert sv.description == (
        "Träff 3/8\nTema: Raha-asiat\n"
        "Länk för att delta på distans: https://meet.example/arki\n"
        "Om du inte kan komma, ring +358 40 100 0001."
    )
    assert (en.title, en.description) == (
        "Coaching meeting",
        "A meeting with your coach.\n"
        "Link to join online: https://meet.example/valmennus\n"
        "If you cannot come, call +358 40 200 0002.",
    )


def test_a_session_without_theme_or_link_says_only_what_there_is() -> None:
    event = feed_event(session_row(theme=None, online_url=None, phone=None), "fi", coach=False)
    assert (event.description, event.url) == ("Tapaaminen 3/8", None)


def test_a_coachs_own_feed_tells_their_meetings_apart() -> None:
    events = [
        feed_event(session_row(), "fi", coach=True),
        feed_event(
            meeting_row(client_first_name="Anna", client_last_name="Salainen"), "fi", coach=True
        ),
        feed_event(
            meeting_row(
                id="4ff8",
                client_first_name="Matti",
                client_last_name=" virtanen",
                starts_at=STARTS + timedelta(days=2),
                ends_at=STARTS + timedelta(days=2, hours=1),
            ),
            "fi",
            coach=True,
        ),
        # A client out of the coach's reach is not named.
        feed_event(
            meeting_row(
                id="5aa9",
                starts_at=STARTS + timedelta(days=3),
                ends_at=STARTS + timedelta(days=3, hours=1),
            ),
            "fi",
            coach=True,
        ),
    ]
    body = ics.feed("Polku: Aino Ohjaaja", "Europe/Helsinki", events)
    found = events_of(body)
    assert [str(found[f"meeting-{id}@polku"]["SUMMARY"]) for id in ("3ee7", "4ff8", "5aa9")] == [
        "Valmennustapaaminen: Anna S.",
        "Valmennustapaaminen: Matti v.",
        "Valmennustapaaminen",
    ]
    text = body.decode().replace("\r\n ", "")
    assert "Salainen" not in text
    # Whom to call is for clients; the coach sees the link.
    assert "+358" not in text
    assert str(found["meeting-3ee7@polku"]["DESCRIPTION"]) == (
        "Linkki etäyhteyteen: https://meet.example/valmennus"
    )
    golden("staff_feed.ics", body)
