"""RFC 5545 calendars for feeds, and iTIP (RFC 5546) objects for e-mailed invites.

Times are local with a TZID and a VTIMEZONE that covers every moment written: never
floating, never a UTC start under a recurrence rule; UTC only for a meeting that
starts or ends in the second pass of an hour the clocks repeat. UIDs never
change; SEQUENCE only grows. Text is escaped and rid of control characters, so
names read back as written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from service.base import clock
from service.base.clock import local_instant
from service.calendar.vtimezone import vtimezone

PRODID = "-//Polku//Polku calendar//FI"
UID_DOMAIN = "polku"

# RFC 5545 allows no control character in TEXT but the tab; line breaks are escaped.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Text(vText):
    """TEXT escaped as RFC 5545 (3.3.11) has it. icalendar's own escaping also turns a
    backslash followed by N into a line break, so a name holding one came back changed."""

    def to_ical(self) -> bytes:
        escaped = (
            str(self)
            .replace("\\", "\\\\")
            .replace(";", "\\;")
            .replace(",", "\\,")
            .replace("\n", "\\n")
        )
        return escaped.encode()


def text(value: str) -> Text:
    """`value` as TEXT: any line end is one line break, other control characters go."""
    return Text(_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")))


def uid(kind: str, id: str) -> str:
    return f"{kind}-{id}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Person:
    email: str
    name: str | None = None

    def address(self, **params: str) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            # A parameter value can hold no line break nor double quote (RFC 5545 3.2);
            # RFC 6868 escapes them, but not every parser reads that.
            address.params["CN"] = vText(" ".join(text(self.name).split()).replace('"', "'"))
        for key, value in params.items():
            address.params[key] = vText(value)
        return address


@dataclass(frozen=True)
class Occurrence:
    """One meeting as it stands now, and as it was planned when the series was made."""

    planned_start: datetime
    starts_at: datetime
    ends_at: datetime
    location: str | None
    url: str | None
    description: str | None
    cancelled: bool
    revision: int
    changed_at: datetime


@dataclass(frozen=True)
class Series:
    """A weekly group as one recurring event: what invites put in a client's calendar."""

    uid: str
    title: str
    zone: str
    duration: timedelta
    location: str | None
    url: str | None
    description: str | None
    sequence: int
    changed_at: datetime
    occurrences: Sequence[Occurrence]
    organizer: Person
    attendee: Person | None = None


@dataclass(frozen=True)
class SingleEvent:
    """One meeting on its own: a feed entry, or a one-to-one appointment."""

    uid: str
    title: str
    zone: str
    starts_at: datetime
    ends_at: datetime
    location: str | None
    url: str | None
    description: str | None
    sequence: int
    changed_at: datetime
    cancelled: bool = False


def _calendar(method: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method:
        calendar.add("METHOD", method)
    return calendar


def _add_zone(calendar: Calendar, zone: str, moments: Sequence[datetime]) -> None:
    years = [m.astimezone(ZoneInfo(zone)).year for m in moments] or [clock.now().year]
    calendar.add_component(vtimezone(zone, min(years), max(years) + 1))


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone)).replace(microsecond=0)


def _span(starts_at: datetime, ends_at: datetime, zone: str) -> tuple[datetime, datetime]:
    """A meeting's start and end in the zone's wall time, or both in UTC when either
    falls in the second pass of an hour the clocks repeat: a wall time means the first
    pass (RFC 5545 3.3.5), and parsers that subtract a UTC end from a wall-time start
    add the difference back on the wall clock."""
    start, end = _local(starts_at, zone), _local(ends_at, zone)
    if any(m.replace(fold=0).astimezone(UTC) != m.astimezone(UTC) for m in (start, end)):
        return start.astimezone(UTC), end.astimezone(UTC)
    return start, end


def _describe(event: Event, location: str | None, url: str | None, description: str | None) -> None:
    """Where (the place, or for a meeting held only online its link), the link, and
    what the meeting is."""
    where = location or url
    if where:
        event.add("LOCATION", text(where))
    if url:
        event.add("URL", url)
    if description:
        event.add("DESCRIPTION", text(description))


def _single(event: SingleEvent) -> Event:
    component = Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", _stamp(event.changed_at))
    component.add("SEQUENCE", event.sequence)
    component.add("SUMMARY", text(event.title))
    start, end = _span(event.starts_at, event.ends_at, event.zone)
    component.add("DTSTART", start)
    component.add("DTEND", end)
    component.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    _describe(component, event.location, event.url, event.description)
    return component


def feed(
    name: str, zone: str, events: Sequence[SingleEvent], refresh: timedelta = timedelta(hours=1)
) -> bytes:
    """A subscription calendar: one VEVENT per meeting, and one VTIMEZONE for each zone
    the meetings are in (`zone` when there are none)."""
    calendar = _calendar()
    calendar.add("NAME", text(name))
    calendar.add("X-WR-CALNAME", text(name))
    calendar.add("REFRESH-INTERVAL", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", vDuration(refresh))
    starts_by_zone: dict[str, list[datetime]] = {}
    for event in events:
        starts_by_zone.setdefault(event.zone, []).append(event.starts_at)
    for tzid in sorted(starts_by_zone or {zone: []}):
        _add_zone(calendar, tzid, starts_by_zone.get(tzid, []))
    for event in events:
        calendar.add_component(_single(event))
    return bytes(calendar.to_ical())


@dataclass(frozen=True)
class _Grid:
    """The weekly slots of a series' rule: its planned wall time on each planned day.

    A meeting planned in the spring-forward gap (03:30 the night Helsinki skips from
    03:00 to 04:00) starts when a wall clock set forward would show the time, 04:30;
    the grid keeps 03:30, so the wall time is the one that gives the most planned
    starts, not the first start's own. A meeting that does not start at its slot is an
    override with its slot as RECURRENCE-ID.
    """

    zone: ZoneInfo
    wall: time

    @classmethod
    def of(cls, series: Series) -> _Grid:
        zone = ZoneInfo(series.zone)
        planned = [o.planned_start for o in series.occurrences]
        walls = Counter(p.astimezone(zone).time() for p in planned)

        def fit(wall: time) -> tuple[int, int, time]:
            starts = sum(local_instant(p.astimezone(zone).date(), wall, zone) == p for p in planned)
            return starts, walls[wall], wall

        return cls(zone, max(walls, key=fit))

    def day(self, occurrence: Occurrence) -> date:
        return occurrence.planned_start.astimezone(self.zone).date()

    def at(self, day: date) -> datetime:
        return datetime.combine(day, self.wall, tzinfo=self.zone)

    def slot(self, occurrence: Occurrence) -> datetime:
        return self.at(self.day(occurrence))


def _series_master(series: Series, grid: _Grid) -> Event:
    """The weekly rule from the first planned meeting to the last; weeks with no
    meeting (holidays) and cancelled meetings are excluded."""
    days = {grid.day(o): o for o in series.occurrences}
    first, last = min(days), max(days)
    weekly = [first + timedelta(weeks=week) for week in range((last - first).days // 7 + 1)]
    excluded = [grid.at(d) for d in weekly if d not in days or days[d].cancelled]
    # The end of the last day, however a parser reads a wall time the clocks skip or
    # repeat that day.
    until = datetime.combine(last + timedelta(days=1), time(0), tzinfo=grid.zone)

    master = Event()
    master.add("UID", series.uid)
    master.add("DTSTAMP", _stamp(series.changed_at))
    master.add("SEQUENCE", series.sequence)
    master.add("SUMMARY", text(series.title))
    master.add("DTSTART", grid.at(first))
    master.add("DURATION", series.duration)
    master.add("RRULE", {"FREQ": "WEEKLY", "UNTIL": _stamp(until) - timedelta(seconds=1)})
    if excluded:
        master.add("EXDATE", excluded)
    master.add("STATUS", "CONFIRMED")
    _describe(master, series.location, series.url, series.description)
    return master


def _instance(
    series: Series, grid: _Grid, occurrence: Occurrence, *, cancelled: bool = False
) -> Event:
    instance = Event()
    instance.add("UID", series.uid)
    instance.add("RECURRENCE-ID", grid.slot(occurrence))
    instance.add("DTSTAMP", _stamp(max(series.changed_at, occurrence.changed_at)))
    instance.add("SEQUENCE", series.sequence + occurrence.revision)
    instance.add("SUMMARY", text(series.title))
    start, end = _span(occurrence.starts_at, occurrence.ends_at, series.zone)
    instance.add("DTSTART", start)
    instance.add("DTEND", end)
    instance.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    _describe(instance, occurrence.location, occurrence.url, occurrence.description)
    return instance


def _people(component: Event, series: Series) -> None:
    component.add("ORGANIZER", series.organizer.address())
    if series.attendee is not None:
        component.add(
            "ATTENDEE",
            series.attendee.address(ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE"),
        )


def _itip(method: str, series: Series, components: list[Event]) -> bytes:
    calendar = _calendar(method)
    moments = [o.starts_at for o in series.occurrences] + [
        o.planned_start for o in series.occurrences
    ]
    _add_zone(calendar, series.zone, moments)
    for component in components:
        _people(component, series)
        calendar.add_component(component)
    return bytes(calendar.to_ical())


def _wall(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment.astimezone(zone).replace(tzinfo=None)


def _changed(series: Series, grid: _Grid, occurrence: Occurrence) -> bool:
    """Whether the meeting needs its own component: it is not at its slot, or not as
    the series describes it, or it spans a clock change (parsers end an instance at
    its wall start plus DURATION, an hour off then)."""
    slot = grid.slot(occurrence)
    return (
        _wall(occurrence.starts_at, grid.zone) != slot.replace(tzinfo=None)
        or occurrence.starts_at.astimezone(UTC) != slot.astimezone(UTC)
        or _wall(occurrence.ends_at, grid.zone) != slot.replace(tzinfo=None) + series.duration
        or occurrence.location != series.location
        or occurrence.url != series.url
        or occurrence.description != series.description
        or occurrence.ends_at - occurrence.starts_at != series.duration
    )


def series_request(series: Series) -> bytes:
    """The whole series as it stands: the first invite, or a full update."""
    grid = _Grid.of(series)
    overrides = [
        _instance(series, grid, o)
        for o in series.occurrences
        if not o.cancelled and _changed(series, grid, o)
    ]
    return _itip("REQUEST", series, [_series_master(series, grid), *overrides])


def occurrence_request(series: Series, occurrence: Occurrence) -> bytes:
    """An update that moves or changes this one meeting only."""
    return _itip("REQUEST", series, [_instance(series, _Grid.of(series), occurrence)])


def occurrence_cancel(series: Series, occurrence: Occurrence) -> bytes:
    """Takes this one meeting out of the attendee's calendar."""
    instance = _instance(series, _Grid.of(series), occurrence, cancelled=True)
    return _itip("CANCEL", series, [instance])


def series_cancel(series: Series) -> bytes:
    """Takes the whole series out of the attendee's calendar, the meetings held too
    (RFC 5546 3.2.5: a CANCEL without RECURRENCE-ID is for every instance)."""
    master = _series_master(series, _Grid.of(series))
    master["STATUS"] = "CANCELLED"
    return _itip("CANCEL", series, [master])


def group_cancel(series: Series) -> bytes | None:
    """The group was cancelled: what it will not hold leaves the attendee's calendar,
    what it held stays. Before any meeting was held that is the whole series; after,
    one VEVENT per cancelled meeting, each naming it by RECURRENCE-ID (RFC 5546
    3.2.5). None when nothing was cancelled (the last meeting had begun)."""
    if all(o.cancelled for o in series.occurrences):
        return series_cancel(series)
    grid = _Grid.of(series)
    cancelled = [
        _instance(series, grid, o, cancelled=True) for o in series.occurrences if o.cancelled
    ]
    return _itip("CANCEL", series, cancelled) if cancelled else None


def single_request(event: SingleEvent, organizer: Person, attendee: Person | None) -> bytes:
    component = _single(event)
    method = "CANCEL" if event.cancelled else "REQUEST"
    calendar = _calendar(method)
    _add_zone(calendar, event.zone, [event.starts_at])
    component.add("ORGANIZER", organizer.address())
    if attendee is not None:
        component.add(
            "ATTENDEE",
            attendee.address(ROLE="REQ-PARTICIPANT", PARTSTAT="NEEDS-ACTION", RSVP="FALSE"),
        )
    calendar.add_component(component)
    return bytes(calendar.to_ical())
