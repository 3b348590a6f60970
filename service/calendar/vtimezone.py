"""VTIMEZONE components: yearly rules where the zone has them, listed changes where not.

A zone with regular yearly changes (Europe/Helsinki: the last Sundays of March
and October) is written as one STANDARD and one DAYLIGHT rule, the one form
Outlook takes as it is: it makes a single yearly rule of any VTIMEZONE
(MS-OXCICAL). A zone whose changes fit no such rule in the years needed
(Africa/Casablanca, whose clocks follow Ramadan) gets every change of those
years from the zone database, one observance per kind of change with its
onsets as RDATEs; a parser that reads the component as RFC 5545 has it then
puts every moment right, while Outlook is an hour off near the changes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

_WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@dataclass(frozen=True)
class Transition:
    at: datetime  # UTC
    offset_from: timedelta
    offset_to: timedelta
    name: str
    daylight: bool

    @property
    def local_onset(self) -> datetime:
        """The wall time the change happens at, in the offset before it (RFC 5545 DTSTART)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


@dataclass(frozen=True)
class YearlyRule:
    month: int
    week: int  # 1–4, or -1 for the last
    weekday: int  # 0 = Monday
    hour: int
    minute: int

    @classmethod
    def of(cls, onset: datetime) -> YearlyRule:
        last_day = calendar.monthrange(onset.year, onset.month)[1]
        week = -1 if onset.day + 7 > last_day else (onset.day - 1) // 7 + 1
        return cls(onset.month, week, onset.weekday(), onset.hour, onset.minute)

    def onset(self, year: int) -> datetime:
        days = [
            d
            for d in range(1, calendar.monthrange(year, self.month)[1] + 1)
            if date(year, self.month, d).weekday() == self.weekday
        ]
        day = days[-1] if self.week == -1 else days[self.week - 1]
        return datetime(year, self.month, day, self.hour, self.minute)

    def rrule(self) -> dict[str, object]:
        return {
            "FREQ": "YEARLY",
            "BYMONTH": self.month,
            "BYDAY": f"{self.week}{_WEEKDAYS[self.weekday]}",
        }


def transitions(zone: ZoneInfo, year: int) -> list[Transition]:
    """The offset changes of `zone` during `year`, to the minute."""
    found = []
    day = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    while day < end:
        following = day + timedelta(days=1)
        before, after = day.astimezone(zone), following.astimezone(zone)
        if before.utcoffset() != after.utcoffset():
            low, high = day, following
            while high - low > timedelta(minutes=1):
                middle = low + (high - low) / 2
                if middle.astimezone(zone).utcoffset() == before.utcoffset():
                    low = middle
                else:
                    high = middle
            changed = high.astimezone(zone)
            found.append(
                Transition(
                    at=high.replace(second=0, microsecond=0),
                    offset_from=before.utcoffset() or timedelta(),
                    offset_to=changed.utcoffset() or timedelta(),
                    name=changed.tzname() or "",
                    daylight=bool(changed.dst()),
                )
            )
        day = following
    return found


def _rule_based(zone: ZoneInfo, tzid: str, first_year: int, last_year: int) -> Timezone | None:
    reference = transitions(zone, first_year)
    if not reference:
        return None
    rules = [(t, YearlyRule.of(t.local_onset)) for t in reference]
    for year in range(first_year, last_year + 1):
        actual = [t.local_onset for t in transitions(zone, year)]
        if actual != [rule.onset(year) for _, rule in rules]:
            return None
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for transition, rule in rules:
        part = _observance(transition.daylight, transition.offset_from, transition.offset_to)
        part.add("DTSTART", transition.local_onset)
        part.add("TZNAME", transition.name)
        part.add("RRULE", rule.rrule())
        timezone.add_component(part)
    return timezone


def _listed(zone: ZoneInfo, tzid: str, first_year: int, last_year: int) -> Timezone:
    """Every change from the start of `first_year` to the end of `last_year`, as the
    zone database has them: one observance per kind of change, its onsets listed. The
    first observance holds the offset in force when the span begins."""
    begin = datetime(first_year, 1, 1, tzinfo=UTC)
    local = begin.astimezone(zone)
    offset = local.utcoffset() or timedelta()
    timezone = Timezone()
    timezone.add("TZID", tzid)
    initial = _observance(bool(local.dst()), offset, offset)
    initial.add("DTSTART", (begin + offset).replace(tzinfo=None))
    initial.add("TZNAME", local.tzname() or "")
    timezone.add_component(initial)
    onsets: dict[tuple[bool, timedelta, timedelta, str], list[datetime]] = {}
    for year in range(first_year, last_year + 1):
        for t in transitions(zone, year):
            key = (t.daylight, t.offset_from, t.offset_to, t.name)
            onsets.setdefault(key, []).append(t.local_onset)
    for (daylight, offset_from, offset_to, name), moments in onsets.items():
        part = _observance(daylight, offset_from, offset_to)
        part.add("DTSTART", moments[0])
        # One RDATE line each: vobject (Radicale) keeps only the first of a list.
        for moment in moments[1:]:
            part.add("RDATE", moment)
        part.add("TZNAME", name)
        timezone.add_component(part)
    return timezone


def _observance(
    daylight: bool, offset_from: timedelta, offset_to: timedelta
) -> TimezoneDaylight | TimezoneStandard:
    part = TimezoneDaylight() if daylight else TimezoneStandard()
    part.add("TZOFFSETFROM", offset_from)
    part.add("TZOFFSETTO", offset_to)
    return part


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `tzid` that is right for every moment from `first_year` through
    `last_year`: yearly rules where the zone has them, its listed changes where not."""
    zone = ZoneInfo(tzid)
    # From the year before, so every moment of first_year has a component whose onset
    # lies before it; listed changes run a year past the end for the same reason.
    return _rule_based(zone, tzid, first_year - 1, last_year) or _listed(
        zone, tzid, first_year - 1, last_year + 1
    )
