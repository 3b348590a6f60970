"""Calendars as an independent parser (recurring-ical-events) reads them."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from service.calendar import ics, texts
from service.calendar.vtimezone import vtimezone
from service.programmes.schedule import plan_sessions
from tests.calendars import golden

HELSINKI = ZoneInfo("Europe/Helsinki")
STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
DESCRIPTION = "Ryhmä kokoontuu kerran viikossa.\nJos et pääse, soita +358 40 100 0001."


def occurrences(first: date, weeks: int = 8) -> list[ics.Occurrence]:
    planned = plan_sessions(
        first_session_date=first,
        start_time=time(10),
        duration_minutes=120,
        weeks=weeks,
        timezone="Europe/Helsinki",
    )
    return [
        ics.Occurrence(
            p.starts_at,
            p.starts_at,
            p.ends_at,
            "Kohtaamispaikka",
            None,
            DESCRIPTION,
            False,
            0,
            STAMP,
        )
        for p in planned
    ]


def series(occurrences: list[ics.Occurrence], **changes: object) -> ics.Series:
    fields = {
        "uid": ics.uid("programme", "3f1c"),
        "title": "Arjen taidot",
        "zone": "Europe/Helsinki",
        "duration": timedelta(hours=2),
        "location": "Kohtaamispaikka",
        "url": None,
        "description": DESCRIPTION,
        "sequence": 0,
        "changed_at": STAMP,
        "occurrences": occurrences,
        "organizer": ics.Person("polku@askel.example", "Askel ry"),
        "attendee": ics.Person("anna@example.org", "Anna Asiakas"),
        **changes,
    }
    return ics.Series(**fields)  # type: ignore[arg-type]


def local_starts(calendar: bytes, start: date, end: date) -> list[datetime]:
    parsed = icalendar.Calendar.from_ical(calendar)
    events = recurring_ical_events.of(parsed).between(start, end)
    return sorted(e["DTSTART"].dt.astimezone(HELSINKI).replace(tzinfo=None) for e in events)


def test_series_expands_to_every_session_at_ten_local_across_dst() -> None:
    request = ics.series_request(series(occurrences(date(2027, 3, 11))))
    starts = local_starts(request, date(2027, 3, 1), date(2027, 6, 1))
    assert len(starts) == 8
    assert all((s.weekday(), s.hour, s.minute) == (3, 10, 0) for s in starts)
    assert datetime(2027, 3, 25, 10) in starts
    assert datetime(2027, 4, 1, 10) in starts  # after the change to summer time


def test_holiday_week_is_excluded_from_the_series() -> None:
    request = ics.series_request(series(occurrences(date(2027, 4, 15))))
    starts = local_starts(request, date(2027, 4, 1), date(2027, 7, 1))
    assert len(starts) == 8
    assert datetime(2027, 5, 6, 10) not in starts  # Ascension Day
    assert starts[-1] == datetime(2027, 6, 10, 10)


def test_moved_and_cancelled_sessions() -> None:
    sessions = occurrences(date(2027, 9, 2), weeks=10)
    moved, cancelled = sessions[2], sessions[4]
    sessions[2] = ics.Occurrence(
        moved.planned_start,
        moved.starts_at + timedelta(days=1, hours=3),
        moved.ends_at + timedelta(days=1, hours=3),
        "Kirjasto",
        None,
        DESCRIPTION,
        False,
        1,
        STAMP,
    )
    sessions[4] = ics.Occurrence(
        cancelled.planned_start,
        cancelled.starts_at,
        cancelled.ends_at,
        "Kohtaamispaikka",
        None,
        DESCRIPTION,
        True,
        1,
        STAMP,
    )
    request = ics.series_request(series(sessions))
    starts = local_starts(request, date(2027, 8, 1), date(2027, 12, 1))
    assert len(starts) == 9
    assert datetime(2027, 9, 17, 13) in starts
    assert datetime(2027, 9, 16, 10) not in starts
    assert datetime(2027, 9, 30, 10) not in starts
    assert datetime(2027, 11, 4, 10) in starts  # across the October change


def test_a_longer_session_keeps_its_end_in_a_full_invite() -> None:
    sessions = occurrences(date(2027, 3, 11))
    longer = dataclasses.replace(sessions[2], ends_at=sessions[2].ends_at + timedelta(minutes=30))
    request = ics.series_request(series([*sessions[:2], longer, *sessions[3:]]))
    parsed = icalendar.Calendar.from_ical(request)
    events = recurring_ical_events.of(parsed).between(date(2027, 3, 1), date(2027, 6, 1))
    ends = sorted(e["DTEND"].dt.astimezone(HELSINKI).replace(tzinfo=None) for e in events)
    assert datetime(2027, 3, 25, 12, 30) in ends
    assert len(ends) == 8


def test_an_update_moves_only_its_own_occurrence() -> None:
    sessions = occurrences(date(2027, 9, 2))
    original = sessions[3]
    moved = ics.Occurrence(
        original.planned_start,
        original.starts_at + timedelta(hours=2),
        original.ends_at + timedelta(hours=2),
        "Kohtaamispaikka",
        None,
        DESCRIPTION,
        False,
        2,
        STAMP,
    )
    update = icalendar.Calendar.from_ical(
        ics.occurrence_request(series(sessions, sequence=1), moved)
    )
    assert update["METHOD"] == "REQUEST"
    [event] = update.walk("VEVENT")
    assert event["UID"] == "programme-3f1c@polku"
    assert event["SEQUENCE"] == 3
    assert event["RECURRENCE-ID"].dt == original.planned_start.astimezone(HELSINKI)
    assert event["DTSTART"].dt.astimezone(HELSINKI).hour == 12
    assert "RRULE" not in event


def test_cancellations() -> None:
    sessions = occurrences(date(2027, 9, 2))
    one = icalendar.Calendar.from_ical(ics.occurrence_cancel(series(sessions), sessions[1]))
    assert one["METHOD"] == "CANCEL"
    [event] = one.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED"
    assert "RECURRENCE-ID" in event
    whole = icalendar.Calendar.from_ical(ics.series_cancel(series(sessions, sequence=2)))
    assert whole["METHOD"] == "CANCEL"
    [master] = whole.walk("VEVENT")
    assert (master["STATUS"], master["SEQUENCE"], "RECURRENCE-ID" in master) == (
        "CANCELLED",
        2,
        False,
    )


def test_invites_name_organiser_and_attendee_and_never_float() -> None:
    text = ics.series_request(series(occurrences(date(2027, 3, 11)))).decode()
    assert 'ORGANIZER;CN="Askel ry":mailto:polku@askel.example' in text
    assert "mailto:anna@example.org" in text.replace("\r\n ", "")
    events = text.split("END:VTIMEZONE", 1)[1]
    for line in events.splitlines():
        if line.startswith(("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE")):
            name, value = line.split(":", 1)
            assert "TZID=Europe/Helsinki" in name, line
            assert not value.endswith("Z"), line


@pytest.mark.parametrize("zone", ["Europe/Helsinki", "Europe/Stockholm", "America/New_York"])
def test_vtimezone_rules_agree_with_the_zone_database(zone: str) -> None:
    component = vtimezone(zone, 2026, 2028)
    assert all(
        "RRULE" in part for part in component.walk() if part.name in {"STANDARD", "DAYLIGHT"}
    )
    assert "RDATE" not in component.to_ical().decode()
    derived = component.to_tz()
    actual = ZoneInfo(zone)
    moment = datetime(2026, 1, 1, tzinfo=UTC)
    while moment < datetime(2029, 1, 1, tzinfo=UTC):
        local = moment.astimezone(actual).replace(tzinfo=None)
        if (
            local.replace(tzinfo=derived).utcoffset() is not None
            and abs((moment.astimezone(actual).utcoffset() or timedelta()).total_seconds()) > 0
        ):
            expected = moment.astimezone(actual).utcoffset()
            assert moment.astimezone(derived).utcoffset() == expected, (zone, moment)
        moment += timedelta(hours=7)


def test_a_zone_without_clock_changes_is_one_standard_part() -> None:
    component = vtimezone("Asia/Tokyo", 2027, 2028)
    parts = [p for p in component.walk() if p.name in {"STANDARD", "DAYLIGHT"}]
    assert [(p.name, p["TZOFFSETTO"].td) for p in parts] == [("STANDARD", timedelta(hours=9))]


def test_feed_matches_the_golden_file() -> None:
    events = [
        ics.SingleEvent(
            uid=ics.uid("session", f"s{o.planned_start:%m%d}"),
            title="Arjen taidot",
            zone="Europe/Helsinki",
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            location="Kohtaamispaikka, Kauppakatu 1",
            url="https://meet.example/arki",
            description=texts.session(
                "fi",
                number=number,
                total=3,
                theme=None,
                url="https://meet.example/arki",
                phone="+358 40 100 0001",
            ),
            sequence=0,
            changed_at=STAMP,
        )
        for number, o in enumerate(occurrences(date(2027, 3, 11), weeks=3), start=1)
    ]
    produced = ics.feed("Polku: Anna", "Europe/Helsinki", events)
    golden("feed.ics", produced)
    text = produced.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H" in text
    assert "X-PUBLISHED-TTL:PT1H" in text
    assert "DTSTAMP:20270104T093000Z" in text
