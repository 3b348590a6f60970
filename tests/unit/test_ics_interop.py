"""Every calendar Polku makes for the hard cases, read by two independent parsers
(icalendar with recurring-ical-events, and vobject), instant by instant against
zoneinfo, and kept as golden files in tests/fixtures/ics/."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.calendar import ics
from service.programmes.schedule import PlannedSession, plan_sessions
from tests.calendars import Seen, assert_read_as, golden

STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
HOUR = timedelta(hours=1)
UID = "programme-5e1f@polku"


def planned(
    first: date, at: time, zone: str, weeks: int = 8, minutes: int = 60
) -> list[PlannedSession]:
    return plan_sessions(
        first_session_date=first,
        start_time=at,
        duration_minutes=minutes,
        weeks=weeks,
        timezone=zone,
        skip_public_holidays=False,
    )


def occurrence(session: PlannedSession, *, cancelled: bool = False) -> ics.Occurrence:
    return ics.Occurrence(
        planned_start=session.starts_at,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        location="Kohtaamispaikka",
        url=None,
        cancelled=cancelled,
        revision=1 if cancelled else 0,
        changed_at=STAMP,
    )


def series(
    occurrences: list[ics.Occurrence], zone: str, length: timedelta = HOUR, sequence: int = 0
) -> ics.Series:
    return ics.Series(
        uid=UID,
        title="Arjen taidot",
        zone=zone,
        duration=length,
        location="Kohtaamispaikka",
        url=None,
        description=None,
        sequence=sequence,
        changed_at=STAMP,
        occurrences=occurrences,
        organizer=ics.Person("polku@askel.example", "Askel ry"),
        attendee=ics.Person("anna@example.org", "Anna"),
    )


def expected(sessions: list[PlannedSession]) -> list[Seen]:
    return [Seen(UID, s.starts_at, s.ends_at) for s in sessions]


# 3. Zones whose changes follow no yearly rule -------------------------------------------


def test_casablanca_across_the_ramadan_changes_of_2027() -> None:
    """Morocco leaves summer time for Ramadan: 7 February to 14 March in 2027, dates that
    move every year. Five Thursday sessions fall inside it."""
    sessions = planned(date(2027, 1, 7), time(10), "Africa/Casablanca", weeks=14)
    occurrences = [occurrence(s) for s in sessions]
    invite = ics.series_request(series(occurrences, "Africa/Casablanca"))
    assert_read_as(invite, expected(sessions))
    events = [
        ics.SingleEvent(
            uid=ics.uid("session", str(s.number)),
            title="Arjen taidot",
            zone="Africa/Casablanca",
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            location=None,
            url=None,
            description=None,
            sequence=0,
            changed_at=STAMP,
        )
        for s in sessions
    ]
    feed = ics.feed("Polku: Anna", "Europe/Helsinki", events)
    assert_read_as(feed, [Seen(e.uid, e.starts_at, e.ends_at) for e in events])
    zone = ZoneInfo("Africa/Casablanca")
    assert sum(s.starts_at.astimezone(zone).utcoffset() == timedelta(0) for s in sessions) == 5
    golden("casablanca_series.ics", invite)
    golden("casablanca_feed.ics", feed)
