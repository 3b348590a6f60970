"""VTIMEZONE components written as yearly rules.

Outlook ignores VTIMEZONEs given as lists of dates, and ical.js (Thunderbird)
reads them an hour off around the change, so a zone with regular yearly
changes (Europe/Helsinki: last Sunday of March and of October) is written as
one STANDARD and one DAYLIGHT rule. A zone whose changes fit no such rule in
the years needed falls back to icalendar's list of dates.
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
        if any(transitions(zone, year) for year in range(first_year, last_year + 1)):
            return None
        return _fixed(zone, tzid, first_year)
    rules = [(t, YearlyRule.of(t.local_onset)) for t in reference]
    for year in range(first_year, last_year + 1):
        actual = [t.local_onset for t in transitions(zone, year)]
        if actual != [rule.onset(year) for _, rule in rules]:
            return None
    timezone = Timezone()
    timezone.add("TZID", tzid)
    for transition, rule in rules:
        part = TimezoneDaylight() if transition.daylight else TimezoneStandard()
        part.add("DTSTART", transition.local_onset)
        part.add("TZOFFSETFROM", transition.offset_from)
        part.add("TZOFFSETTO", transition.offset_to)
        part.add("TZNAME", transition.name)
        part.add("RRULE", rule.rrule())
        timezone.add_component(part)
    return timezone


def _fixed(zone: ZoneInfo, tzid: str, year: int) -> Timezone:
    moment = datetime(year, 1, 1, tzinfo=zone)
    part = TimezoneStandard()
    part.add("DTSTART", datetime(1970, 1, 1))
    part.add("TZOFFSETFROM", moment.utcoffset())
    part.add("TZOFFSETTO", moment.utcoffset())
    part.add("TZNAME", moment.tzname())
    timezone = Timezone()
    timezone.add("TZID", tzid)
    timezone.add_component(part)
    return timezone


@lru_cache(maxsize=64)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for `tzid` that is right for every moment from `first_year` through
    `last_year`; rules where the zone has them, dates where it does not."""
    zone = ZoneInfo(tzid)
    # The rules start the year before, so every moment of first_year has a component
    # whose onset lies before it.
    return _rule_based(zone, tzid, first_year - 1, last_year) or Timezone.from_tzinfo(
        zone, tzid, date(first_year - 1, 1, 1), date(last_year + 1, 1, 1)
    )
