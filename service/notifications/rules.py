"""When messages go out: reminder times, and no SMS at night."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from service.base.clock import local_instant

QUIET_FROM = time(21, 0)
QUIET_UNTIL = time(8, 0)
# Waits after a try that failed for a passing reason (a greylisting 450, a server out of
# reach): the 1st, 2nd, 3rd … wait; the last one repeats until the message is given up.
BACKOFF = [timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(hours=1)]
# How long a message is tried again after its first try failed for a passing reason.
# Mail servers keep a message they cannot pass on for days (RFC 5321 suggests 4–5);
# ours are invites and reminders, and a day later a reminder has missed its session and
# a coach should hear that the invite has not arrived.
RETRY_FOR = timedelta(hours=24)
# Tries that a worker claimed and never finished (it died, or its job was cancelled):
# after this many the message fails, so that one message cannot take workers down
# forever.
MAX_UNFINISHED_TRIES = 5
# Rows each kind of delivery count is spread over (migration 0025), so that concurrent
# sends rarely wait on one another's count.
COUNT_SHARDS = 16
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


def retry_at(
    attempts: int, channel: str, now: datetime, zone: ZoneInfo, until: datetime
) -> datetime | None:
    """When to try again after `attempts` tries, the last of which failed at `now` for a
    passing reason; None once `until` has come. The last try falls at `until` itself
    (an SMS: the first morning after it)."""
    if now >= until:
        return None
    wait = BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]
    return send_time(channel, min(now + wait, until), zone)


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


def count_shard() -> int:
    """Which of a delivery count's rows this count goes to."""
    return random.randrange(COUNT_SHARDS)
