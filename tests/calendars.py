"""Calendars as independent parsers read them, to compare every instant with zoneinfo.

Two parsers: icalendar expanded by recurring-ical-events, and vobject (Radicale's
parser) expanded by its dateutil rruleset. Either reads a TZID by its name from the
zone database (`own_zones=False`, icalendar only) or from the VTIMEZONE the calendar
carries (`own_zones=True`): the zone names are then replaced by names no database
knows, so the calendar's own definitions are all there is, as for ical.js in
Thunderbird or for Outlook. vobject keeps the first definition it saw of a name for
the rest of the process, so it always reads under such a fresh name.
"""

from __future__ import annotations

import itertools
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
import vobject

GOLDEN = Path(__file__).parent / "fixtures" / "ics"
_fresh = itertools.count()
_TZID = re.compile(r"(TZID[=:])([^;:\r\n]+)")


@dataclass(frozen=True, order=True)
class Seen:
    """An instance as a calendar app shows it: which event, from when to when (UTC)."""

    uid: str
    start: datetime
    end: datetime


def golden(name: str, produced: bytes) -> None:
    """`produced` is byte for byte the golden file; POLKU_WRITE_GOLDEN=1 writes it anew
    (after a deliberate change, or a zone database whose predictions moved)."""
    path = GOLDEN / name
    if os.environ.get("POLKU_WRITE_GOLDEN") == "1":
        path.write_bytes(produced)
    assert produced == path.read_bytes(), f"{name} differs from what Polku produces now"


def _unfolded(text: bytes) -> str:
    return text.decode().replace("\r\n ", "").replace("\r\n\t", "")


def _own_zones(text: bytes) -> str:
    """The calendar with every TZID renamed to a name seen nowhere before."""
    suffix = next(_fresh)
    return _TZID.sub(lambda m: f"{m.group(1)}Polku-test-{suffix}/{m.group(2)}", _unfolded(text))


def by_icalendar(text: bytes, *, own_zones: bool) -> list[Seen]:
    source = _own_zones(text) if own_zones else _unfolded(text)
    calendar = icalendar.Calendar.from_ical(source)
    found = recurring_ical_events.of(calendar).between(date(2000, 1, 1), date(2101, 1, 1))
    return sorted(
        Seen(
            str(event["UID"]),
            event["DTSTART"].dt.astimezone(UTC),
            event["DTEND"].dt.astimezone(UTC),
        )
        for event in found
        if event.get("STATUS") != "CANCELLED"
    )


def by_vobject(text: bytes) -> list[Seen]:
    calendar = vobject.readOne(_own_zones(text))
    components: dict[str, list[Any]] = defaultdict(list)
    for component in calendar.contents.get("vevent", []):
        components[component.uid.value].append(component)
    seen = []
    for uid, parts in components.items():
        instances: dict[datetime, tuple[datetime, datetime, str]] = {}
        for master in (p for p in parts if not hasattr(p, "recurrence_id")):
            start = master.dtstart.value
            length = (
                master.duration.value if hasattr(master, "duration") else master.dtend.value - start
            )
            rules = master.getrruleset(addRDate=True)
            for moment in rules if rules is not None else [start]:
                instances[moment.astimezone(UTC)] = (moment, moment + length, _status(master))
        for override in (p for p in parts if hasattr(p, "recurrence_id")):
            instances[override.recurrence_id.value.astimezone(UTC)] = (
                override.dtstart.value,
                override.dtend.value,
                _status(override),
            )
        seen += [
            Seen(uid, start.astimezone(UTC), end.astimezone(UTC))
            for start, end, status in instances.values()
            if status != "CANCELLED"
        ]
    return sorted(seen)


def _status(component: Any) -> str:
    return str(component.status.value) if hasattr(component, "status") else "CONFIRMED"


def readings(text: bytes) -> dict[str, list[Seen]]:
    """Every instance of `text` as each parser reads it."""
    return {
        "icalendar, zones by name": by_icalendar(text, own_zones=False),
        "icalendar, the calendar's own VTIMEZONEs": by_icalendar(text, own_zones=True),
        "vobject, the calendar's own VTIMEZONEs": by_vobject(text),
    }


def assert_read_as(text: bytes, expected: list[Seen]) -> None:
    """Every parser finds exactly the instances `expected`, to the second."""
    for parser, seen in readings(text).items():
        assert seen == sorted(expected), parser


def recurrence_ids(text: bytes) -> dict[str, list[datetime]]:
    """The instants the RECURRENCE-IDs of an iTIP message name, as each parser reads
    them through the message's own VTIMEZONE."""
    by_icalendar = [
        event["RECURRENCE-ID"].dt.astimezone(UTC)
        for event in icalendar.Calendar.from_ical(_own_zones(text)).walk("VEVENT")
        if "RECURRENCE-ID" in event
    ]
    by_vobject = [
        event.recurrence_id.value.astimezone(UTC)
        for event in vobject.readOne(_own_zones(text)).contents.get("vevent", [])
        if hasattr(event, "recurrence_id")
    ]
    return {"icalendar": sorted(by_icalendar), "vobject": sorted(by_vobject)}


def applied(stored: bytes, message: bytes) -> bytes:
    """What a calendar app holds after taking the iTIP `message` (RFC 5546) on top of
    `stored`: a component without RECURRENCE-ID stands for the whole event (a CANCEL of
    it takes every instance, a REQUEST replaces all), one with RECURRENCE-ID for that
    instance (a cancelled instance stays as an override with STATUS:CANCELLED)."""
    calendar = icalendar.Calendar.from_ical(stored)
    incoming = icalendar.Calendar.from_ical(message)
    method = str(incoming["METHOD"])
    for event in incoming.walk("VEVENT"):
        uid = str(event["UID"])
        if "RECURRENCE-ID" in event:
            instant = event["RECURRENCE-ID"].dt.astimezone(UTC)
            calendar.subcomponents = [
                c
                for c in calendar.subcomponents
                if not (
                    c.name == "VEVENT"
                    and str(c["UID"]) == uid
                    and "RECURRENCE-ID" in c
                    and c["RECURRENCE-ID"].dt.astimezone(UTC) == instant
                )
            ]
            calendar.add_component(event)
            continue
        calendar.subcomponents = [
            c for c in calendar.subcomponents if c.name != "VEVENT" or str(c["UID"]) != uid
        ]
        if method == "REQUEST":
            calendar.add_component(event)
    return bytes(calendar.to_ical())


def seen(uid: str, start: datetime, length: timedelta) -> Seen:
    return Seen(uid, start.astimezone(UTC), (start + length).astimezone(UTC))
