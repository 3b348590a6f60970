"""A feed whose meetings are in more than one time zone: every TZID has its own
rule-based VTIMEZONE, and each local time means the moment it should."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from service.calendar import ics

STOCKHOLM = ZoneInfo("Europe/Stockholm")
HELSINKI = ZoneInfo("Europe/Helsinki")
STAMP = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)


def event(uid: str, zone: ZoneInfo, starts: datetime) -> ics.SingleEvent:
    starts_at = starts.replace(tzinfo=zone)
    return ics.SingleEvent(
        uid=ics.uid("session", uid),
        title="Tapaaminen",
        zone=str(zone),
        starts_at=starts_at.astimezone(UTC),
        ends_at=(starts_at + timedelta(hours=1)).astimezone(UTC),
        location=None,
        url=None,
        description=None,
        sequence=0,
        changed_at=STAMP,
    )


# A Stockholm group on either side of the March clock change, a Helsinki meeting
# between them, and a Stockholm session in the next year.
EVENTS = [
    event("sthlm-1", STOCKHOLM, datetime(2027, 3, 25, 17)),
    event("hki-1", HELSINKI, datetime(2027, 3, 30, 10)),
    event("sthlm-2", STOCKHOLM, datetime(2027, 4, 1, 17)),
    event("sthlm-3", STOCKHOLM, datetime(2028, 1, 13, 17)),
]


def test_every_tzid_has_its_rule_based_vtimezone() -> None:
    calendar = icalendar.Calendar.from_ical(ics.feed("Polku: Aino", "Europe/Helsinki", EVENTS))
    assert calendar.get_used_tzids() == {"Europe/Stockholm", "Europe/Helsinki"}
    assert calendar.get_missing_tzids() == set()
    zones = [tz["TZID"] for tz in calendar.walk("VTIMEZONE")]
    assert sorted(zones) == ["Europe/Helsinki", "Europe/Stockholm"]
    for timezone in calendar.walk("VTIMEZONE"):
        parts = [p for p in timezone.walk() if p.name in {"STANDARD", "DAYLIGHT"}]
        assert sorted(p.name for p in parts) == ["DAYLIGHT", "STANDARD"]
        assert all("RRULE" in p for p in parts)


def test_each_local_time_is_the_right_moment_by_its_own_vtimezone() -> None:
    calendar = icalendar.Calendar.from_ical(ics.feed("Polku: Aino", "Europe/Helsinki", EVENTS))
    # Built from the VTIMEZONE components alone, not looked up by name.
    written = {str(tz["TZID"]): tz.to_tz(lookup_tzid=False) for tz in calendar.walk("VTIMEZONE")}
    expected = {e.uid: e for e in EVENTS}
    for component in calendar.walk("VEVENT"):
        source = expected[str(component["UID"])]
        for name, moment in (("DTSTART", source.starts_at), ("DTEND", source.ends_at)):
            prop = component[name]
            assert prop.params["TZID"] == source.zone
            wall = prop.dt.replace(tzinfo=None)
            assert wall == moment.astimezone(ZoneInfo(source.zone)).replace(tzinfo=None)
            assert wall.replace(tzinfo=written[source.zone]).astimezone(UTC) == moment


def test_calendar_apps_see_the_wall_times() -> None:
    calendar = icalendar.Calendar.from_ical(ics.feed("Polku: Aino", "Europe/Helsinki", EVENTS))
    found = recurring_ical_events.of(calendar).between(date(2027, 3, 1), date(2028, 2, 1))
    starts = sorted(
        (str(e["DTSTART"].dt.tzinfo), e["DTSTART"].dt.replace(tzinfo=None)) for e in found
    )
    assert starts == [
        ("Europe/Helsinki", datetime(2027, 3, 30, 10)),
        ("Europe/Stockholm", datetime(2027, 3, 25, 17)),
        ("Europe/Stockholm", datetime(2027, 4, 1, 17)),
        ("Europe/Stockholm", datetime(2028, 1, 13, 17)),
    ]


def test_an_empty_feed_still_names_its_zone() -> None:
    calendar = icalendar.Calendar.from_ical(ics.feed("Polku: Aino", "Europe/Helsinki", []))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Helsinki"]
