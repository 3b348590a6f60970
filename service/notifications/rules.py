"""When messages go out: reminder times, and no SMS at night."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.programmes.schedule import local_instant

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
# Waits before the 2nd, 3rd, … attempt; after the last one a message has failed.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2)]
MAX_ATTEMPTS = len(BACKOFF) + 1
_OFFSET = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def parse_offset(spec: str) -> tuple[int, timedelta]:
    """An ISO 8601 duration as (calendar days, hours and minutes): P1DT2H → (1, 2 h)."""
    match = _OFFSET.match(spec)
    if not match or spec in {"P", "PT"}:
        raise ValueError(f"not a duration of days, hours and minutes: {spec!r}")
    days, hours, minutes = (int(part or 0) for part in match.groups())
    return days, timedelta(hours=hours, minutes=minutes)


def before(starts_at: datetime, spec: str, zone: ZoneInfo) -> datetime:
    """`spec` before `starts_at`. Days are calendar days in `zone`, so P1D before a
    10:00 session is 10:00 the day before, even across a clock change."""
    days, rest = parse_offset(spec)
    at = starts_at
    if days:
        local = starts_at.astimezone(zone)
        at = local_instant(local.date() - timedelta(days=days), local.time(), zone)
    return at - rest


def out_of_quiet_hours(at: datetime, zone: ZoneInfo) -> datetime:
    """The first moment at or after `at` that is not between 21:00 and 08:00 locally."""
    local = at.astimezone(zone)
    if local.time() >= QUIET_FROM:
        return local_instant(local.date() + timedelta(days=1), QUIET_UNTIL, zone)
    if local.time() < QUIET_UNTIL:
        return local_instant(local.date(), QUIET_UNTIL, zone)
    return at


def send_time(channel: str, at: datetime, zone: ZoneInfo) -> datetime:
    return out_of_quiet_hours(at, zone) if channel == "sms" else at


def quiet_until(channel: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When a message that is due now may go, if not now: an SMS waits out the night."""
    later = send_time(channel, now, zone)
    return later if later != now else None


def retry_at(attempts: int, channel: str, now: datetime, zone: ZoneInfo) -> datetime | None:
    """When to try again after `attempts` tries that did not deliver; None: give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return send_time(channel, now + BACKOFF[attempts - 1], zone)


@dataclass(frozen=True)
class PlannedReminder:
    channel: str
    offset: str
    at: datetime


def plan_reminders(
    *,
    starts_at: datetime,
    offsets: list[str],
    channels: list[str],
    zone: ZoneInfo,
    now: datetime,
) -> list[PlannedReminder]:
    """Reminders for one event: each offset on each channel, SMS moved out of the night,
    and none that would go out in the past or once the event has begun."""
    planned = []
    for offset in offsets:
        for channel in channels:
            at = send_time(channel, before(starts_at, offset, zone), zone)
            if now <= at < starts_at:
                planned.append(PlannedReminder(channel, offset, at))
    return planned
