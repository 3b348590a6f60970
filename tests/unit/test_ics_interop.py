"""Every calendar Polku makes for the hard cases, read by two independent parsers
(icalendar with recurring-ical-events, and vobject), instant by instant against
zoneinfo, and kept as golden files in tests/fixtures/ics/."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from icalendar.parser import Contentline

from service.calendar import ics
from service.programmes.schedule import PlannedSession, plan_sessions
from tests.calendars import Seen, applied, assert_read_as, golden, recurrence_ids

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
        description=None,
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


# 1. A group cancelled after it began ------------------------------------------------


def test_a_group_cancelled_after_it_began_keeps_the_meetings_it_held() -> None:
    sessions = planned(date(2027, 3, 4), time(10), "Europe/Helsinki")
    invite = ics.series_request(series([occurrence(s) for s in sessions], "Europe/Helsinki"))
    held, called_off = sessions[:3], sessions[3:]
    cancelled = series(
        [occurrence(s) for s in held] + [occurrence(s, cancelled=True) for s in called_off],
        "Europe/Helsinki",
        sequence=1,
    )
    message = ics.group_cancel(cancelled)
    assert message is not None

    parsed = icalendar.Calendar.from_ical(message)
    assert parsed["METHOD"] == "CANCEL"
    events = parsed.walk("VEVENT")
    assert len(events) == 5
    assert all(e["STATUS"] == "CANCELLED" and e["SEQUENCE"] == 2 for e in events)
    for parser, instants in recurrence_ids(message).items():
        assert instants == [s.starts_at for s in called_off], parser
    # The attendee's calendar after the cancellation: the three meetings held, no more.
    assert_read_as(applied(invite, message), expected(held))
    golden("group_cancelled_after_it_began.ics", message)


def test_a_group_cancelled_before_it_began_cancels_the_whole_series() -> None:
    sessions = planned(date(2027, 3, 4), time(10), "Europe/Helsinki")
    invite = ics.series_request(series([occurrence(s) for s in sessions], "Europe/Helsinki"))
    message = ics.group_cancel(
        series([occurrence(s, cancelled=True) for s in sessions], "Europe/Helsinki", sequence=1)
    )
    assert message is not None
    [event] = icalendar.Calendar.from_ical(message).walk("VEVENT")
    assert "RECURRENCE-ID" not in event
    assert_read_as(applied(invite, message), [])


def test_nothing_to_cancel_once_the_last_meeting_has_begun() -> None:
    sessions = planned(date(2027, 3, 4), time(10), "Europe/Helsinki")
    assert ics.group_cancel(series([occurrence(s) for s in sessions], "Europe/Helsinki")) is None


# 2. Names that need escaping -----------------------------------------------------------

TRICKY = "Polku: Ääkköset, 'Ståhlberg'; \\ test\nrivi \\N ja \\n"


def feed_with_tricky_names() -> bytes:
    starts = datetime(2027, 3, 11, 10, tzinfo=ZoneInfo("Europe/Helsinki"))
    event = ics.SingleEvent(
        uid=ics.uid("session", "e5c4"),
        title="Arki, raha; \\ ja\nrivi",
        zone="Europe/Helsinki",
        starts_at=starts,
        ends_at=starts + HOUR,
        location="Kirjasto; 2. krs, sali \\B",
        url=None,
        description="Tapaaminen 1/8\nAihe: Kulut, tulot; \\budjetti",
        sequence=0,
        changed_at=STAMP,
    )
    return ics.feed(TRICKY, "Europe/Helsinki", [event])


def test_names_titles_and_places_read_back_exactly_as_written() -> None:
    produced = feed_with_tricky_names()
    lines = produced.decode().replace("\r\n ", "").split("\r\n")
    by_icalendar = {
        name: Contentline(line).parts()[2]
        for line in lines
        for name in ("NAME", "X-WR-CALNAME")
        if line.startswith(f"{name}:")
    }
    [event] = icalendar.Calendar.from_ical(produced).walk("VEVENT")
    parsed = vobject.readOne(produced.decode())
    assert by_icalendar == {"NAME": TRICKY, "X-WR-CALNAME": TRICKY}
    assert parsed.contents["name"][0].value == TRICKY
    assert parsed.contents["x-wr-calname"][0].value == TRICKY
    for name, written in [
        ("SUMMARY", "Arki, raha; \\ ja\nrivi"),
        ("LOCATION", "Kirjasto; 2. krs, sali \\B"),
        ("DESCRIPTION", "Tapaaminen 1/8\nAihe: Kulut, tulot; \\budjetti"),
    ]:
        assert str(event[name]) == written, name
        assert parsed.vevent.contents[name.lower()][0].value == written, name
    golden("escaped_names.ics", produced)


def test_control_characters_and_carriage_returns_never_reach_the_calendar() -> None:
    starts = datetime(2027, 3, 11, 10, tzinfo=UTC)
    event = ics.SingleEvent(
        uid="x@polku",
        title="Arki\r\ntaidot\x07\x00\x1b",
        zone="Europe/Helsinki",
        starts_at=starts,
        ends_at=starts + HOUR,
        location=None,
        url=None,
        description=None,
        sequence=0,
        changed_at=STAMP,
    )
    produced = ics.feed("Polku: Anna\r", "Europe/Helsinki", [event])
    assert not any(c < " " and c not in "\r\n" for c in produced.decode())
    assert vobject.readOne(produced.decode()).vevent.summary.value == "Arki\ntaidot"


def test_a_name_in_an_invite_is_one_line_without_quotes() -> None:
    person = ics.Person("anna@example.org", 'Anna "Anu"\nÅberg; jr, \\')
    event = icalendar.Event()
    event.add("ATTENDEE", person.address())
    calendar = icalendar.Calendar()
    calendar.add_component(event)
    text = calendar.to_ical()
    written = "Anna 'Anu' Åberg; jr, \\"
    assert icalendar.Calendar.from_ical(text).walk("VEVENT")[0]["ATTENDEE"].params["CN"] == written
    assert vobject.readOne(text.decode()).vevent.attendee.params["CN"] == [written]


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


def _changes(zone: ZoneInfo, start: datetime, end: datetime) -> list[datetime]:
    """When `zone` changes its offset between `start` and `end`, to the quarter hour."""
    found, moment = [], start
    while moment < end:
        step = moment + timedelta(minutes=15)
        if moment.astimezone(zone).utcoffset() != step.astimezone(zone).utcoffset():
            found.append(step)
        moment = step
    return found


ZONES = [
    "Europe/Helsinki",
    "Europe/Dublin",  # summer time is its standard time in the zone database
    "America/New_York",
    "America/Santiago",
    "America/Asuncion",  # left summer time in 2024
    "America/Havana",  # changes at midnight
    "Australia/Lord_Howe",  # half an hour
    "Pacific/Chatham",
    "Asia/Gaza",  # no summer time during Ramadan
    "Asia/Tehran",
    "Africa/Cairo",
    "Africa/Casablanca",
    "Asia/Kolkata",
]


@pytest.mark.parametrize("name", ZONES)
def test_every_moment_around_every_change_is_right_by_the_calendars_own_vtimezone(
    name: str,
) -> None:
    """Meetings starting every half hour from four hours before each change of 2026 to
    2028 until four after, as a feed: each parser reads them through the VTIMEZONE alone."""
    zone = ZoneInfo(name)
    changes = _changes(zone, datetime(2026, 1, 1, tzinfo=UTC), datetime(2029, 1, 1, tzinfo=UTC))
    starts = sorted(
        {c + timedelta(minutes=30 * k) for c in changes for k in range(-8, 9)}
        | {datetime(2027, 6, 1, 9, tzinfo=UTC), datetime(2028, 12, 31, 21, tzinfo=UTC)}
    )
    events = [
        ics.SingleEvent(
            uid=f"m{n}@polku",
            title="Tapaaminen",
            zone=name,
            starts_at=s,
            ends_at=s + HOUR,
            location=None,
            url=None,
            description=None,
            sequence=0,
            changed_at=STAMP,
        )
        for n, s in enumerate(starts)
    ]
    feed = ics.feed("Polku: Anna", name, events)
    want = sorted(Seen(e.uid, e.starts_at, e.ends_at) for e in events)
    assert_read_as(feed, want)


@pytest.mark.parametrize("name", ZONES)
def test_a_weekly_series_on_the_days_clocks_change_is_right_every_week(name: str) -> None:
    """Weekly sessions through 2027 on each weekday the zone changes its clocks, at
    wall times that fall in, or next to, a skipped or repeated hour somewhere."""
    zone = ZoneInfo(name)
    year = _changes(zone, datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    weekdays = {c.astimezone(zone).weekday() for c in year} or {0}
    for weekday in weekdays:
        first = date(2026, 12, 28) + timedelta(days=weekday)
        for at in [time(0, 15), time(1, 45), time(2, 15), time(2, 45), time(3, 30), time(23, 30)]:
            sessions = planned(first, at, name, weeks=53)
            invite = ics.series_request(series([occurrence(s) for s in sessions], name))
            assert_read_as(invite, expected(sessions))


# 4. A first session in the spring-forward gap ---------------------------------------------


def gap_sessions() -> list[PlannedSession]:
    """Sundays at 03:30 from 28 March 2027, when Helsinki skips from 03:00 to 04:00."""
    return planned(date(2027, 3, 28), time(3, 30), "Europe/Helsinki")


def test_a_first_session_in_the_spring_forward_gap_keeps_the_series() -> None:
    sessions = gap_sessions()
    assert sessions[0].starts_at.astimezone(ZoneInfo("Europe/Helsinki")).hour == 4
    invite = ics.series_request(series([occurrence(s) for s in sessions], "Europe/Helsinki"))
    assert_read_as(invite, expected(sessions))
    text = invite.decode()
    assert "DTSTART;TZID=Europe/Helsinki:20270328T033000" in text  # the grid: 03:30
    assert "RECURRENCE-ID;TZID=Europe/Helsinki:20270328T033000" in text
    assert "DTSTART;TZID=Europe/Helsinki:20270328T043000" in text  # as it is held
    golden("spring_forward_gap.ics", invite)


def test_the_gap_session_can_be_moved_and_cancelled_on_its_own() -> None:
    sessions = gap_sessions()
    occurrences = [occurrence(s) for s in sessions]
    invite = ics.series_request(series(occurrences, "Europe/Helsinki"))
    first = occurrences[0]
    later = first.starts_at + timedelta(hours=6)
    moved = ics.Occurrence(
        first.planned_start, later, later + HOUR, "Kirjasto", None, None, False, 1, STAMP
    )
    update = ics.occurrence_request(series([moved, *occurrences[1:]], "Europe/Helsinki"), moved)
    after_update = applied(invite, update)
    assert_read_as(after_update, [Seen(UID, later, later + HOUR), *expected(sessions[1:])])

    cancel = ics.occurrence_cancel(series(occurrences, "Europe/Helsinki"), first)
    assert_read_as(applied(invite, cancel), expected(sessions[1:]))


def test_a_session_spanning_a_clock_change_keeps_its_length() -> None:
    """Parsers end an instance at its wall start plus DURATION, an hour off across a
    change, so such a session carries its own end. The one of 31 October ends in the
    second pass of the hour the clocks repeat, which only UTC can name."""
    for first, at in [(date(2027, 3, 14), time(2, 30)), (date(2027, 10, 17), time(3, 30))]:
        sessions = planned(first, at, "Europe/Helsinki", weeks=3)
        invite = ics.series_request(series([occurrence(s) for s in sessions], "Europe/Helsinki"))
        assert_read_as(invite, expected(sessions))
        assert len(icalendar.Calendar.from_ical(invite).walk("VEVENT")) == 2
    assert "DTEND:20271031T013000Z" in invite.decode()
