"""Dated occasions (group sessions, coaching meetings): the checks before one is changed.

A session or meeting is locked with its own domain's SQL; what may be done with it then
depends only on its status and start, the same for every kind of occasion.
"""

from __future__ import annotations

import asyncpg

from service.base import clock
from service.base.errors import Conflict


def require_still_ahead(occasion: asyncpg.Record, noun: str) -> None:
    """Planning changes (time, place, cancelling) only before the occasion starts."""
    if occasion["status"] == "cancelled":
        raise Conflict(f"the {noun} is cancelled")
    if occasion["starts_at"] <= clock.now():
        raise Conflict(f"the {noun} has already been held")


def require_started(occasion: asyncpg.Record, noun: str, *, what: str) -> None:
    """What happened (attendance) is recorded once the occasion has started."""
    if occasion["status"] == "cancelled":
        raise Conflict(f"the {noun} was cancelled; there is no {what} to record")
    if occasion["starts_at"] > clock.now():
        raise Conflict(f"{what} is recorded once the {noun} has started")
