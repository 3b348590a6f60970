"""RFC 5545 calendars for feeds, and iTIP (RFC 5546) objects for e-mailed invites.

Times are local with a TZID and a rule-based VTIMEZONE: never floating, never a
UTC start under a recurrence rule. UIDs never change; SEQUENCE only grows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vDuration, vText

from service.calendar.vtimezone import vtimezone

PRODID = "-//Polku//Polku calendar//FI"
UID_DOMAIN = "polku"


def uid(kind: str, id: str) -> str:
    return f"{kind}-{id}@{UID_DOMAIN}"


@dataclass(frozen=True)
class Person:
    email: str
    name: str | None = None

    def address(self, **params: str) -> vCalAddress:
        address = vCalAddress(f"mailto:{self.email}")
        if self.name:
            address.params["CN"] = vText(self.name)
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
    cancelled: bool
    revision: int
    changed_at: datetime

    @property
    def differs_from_plan(self) -> bool:
        return self.starts_at != self.planned_start


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
    years = [m.astimezone(ZoneInfo(zone)).year for m in moments] or [datetime.now(UTC).year]
    calendar.add_component(vtimezone(zone, min(years), max(years) + 1))


def _stamp(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(microsecond=0)


def _local(moment: datetime, zone: str) -> datetime:
    return moment.astimezone(ZoneInfo(zone)).replace(microsecond=0)


def _describe(event: Event, location: str | None, url: str | None, text: str | None) -> None:
    if location:
        event.add("LOCATION", location)
    if url:
        event.add("URL", url)
    description = "\n".join(part for part in (text, url) if part)
    if description:
        event.add("DESCRIPTION", description)


def _single(event: SingleEvent) -> Event:
    component = Event()
    component.add("UID", event.uid)
    component.add("DTSTAMP", _stamp(event.changed_at))
    component.add("SEQUENCE", event.sequence)
    component.add("SUMMARY", event.title)
    component.add("DTSTART", _local(event.starts_at, event.zone))
    component.add("DTEND", _local(event.ends_at, event.zone))
    component.add("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED")
    _describe(component, event.location, event.url, event.description)
    return component


def feed(
    name: str, zone: str, events: Sequence[SingleEvent], refresh: timedelta = timedelta(hours=1)
) -> bytes:
    """A subscription calendar: one VEVENT per meeting, and one VTIMEZONE for each zone
    the meetings are in (`zone` when there are none)."""
    calendar = _calendar()
    calendar.add("NAME", name)
    calendar.add("X-WR-CALNAME", name)
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


def _series_master(series: Series) -> Event:
    """The weekly rule from the first planned meeting to the last; weeks with no
    meeting (holidays) and cancelled meetings are excluded."""
    planned = sorted(o.planned_start for o in series.occurrences)
    zone = ZoneInfo(series.zone)
    first, last = planned[0], planned[-1]
    weekly, moment = [], _local(first, series.zone)
    while moment.astimezone(UTC) <= last:
        weekly.append(moment)
        local = moment.replace(tzinfo=None) + timedelta(weeks=1)
        moment = local.replace(tzinfo=zone)
    kept = {o.planned_start for o in series.occurrences if not o.cancelled}
    excluded = [m for m in weekly if m.astimezone(UTC) not in kept]

    master = Event()
    master.add("UID", series.uid)
    master.add("DTSTAMP", _stamp(series.changed_at))
    master.add("SEQUENCE", series.sequence)
    master.add("SUMMARY", series.title)
    master.add("DTSTART", _local(first, series.zone))
    master.add("DURATION", series.duration)
    master.add("RRULE", {"FREQ": "WEEKLY", "UNTIL": _stamp(last)})
    if excluded:
        master.add("EXDATE", excluded)
    master.add("STATUS", "CONFIRMED")
    _describe(master, series.location, series.url, series.description)
    return master


def _instance(series: Series, occurrence: Occurrence, *, cancelled: bool = False) -> Event:
    instance = Event()
    instance.add("UID", series.uid)
    instance.add("RECURRENCE-ID", _local(occurrence.planned_start, series.zone))
    instance.add("DTSTAMP", _stamp(max(series.changed_at, occurrence.changed_at)))
    instance.add("SEQUENCE", series.sequence + occurrence.revision)
    instance.add("SUMMARY", series.title)
    instance.add("DTSTART", _local(occurrence.starts_at, series.zone))
    instance.add("DTEND", _local(occurrence.ends_at, series.zone))
    instance.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    _describe(instance, occurrence.location, occurrence.url, series.description)
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


def _changed(series: Series, occurrence: Occurrence) -> bool:
    return (
        occurrence.differs_from_plan
        or occurrence.location != series.location
        or occurrence.url != series.url
        or occurrence.ends_at - occurrence.starts_at != series.duration
    )


def series_request(series: Series) -> bytes:
    """The whole series as it stands: the first invite, or a full update."""
    overrides = [
        _instance(series, o) for o in series.occurrences if not o.cancelled and _changed(series, o)
    ]
    return _itip("REQUEST", series, [_series_master(series), *overrides])


def occurrence_request(series: Series, occurrence: Occurrence) -> bytes:
    """An update that moves or changes this one meeting only."""
    return _itip("REQUEST", series, [_instance(series, occurrence)])


def occurrence_cancel(series: Series, occurrence: Occurrence) -> bytes:
    """Takes this one meeting out of the attendee's calendar."""
    return _itip("CANCEL", series, [_instance(series, occurrence, cancelled=True)])


def series_cancel(series: Series) -> bytes:
    """Takes the whole series out of the attendee's calendar."""
    master = _series_master(series)
    master["STATUS"] = "CANCELLED"
    return _itip("CANCEL", series, [master])


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
