"""Bodies of the exits and follow-ups API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from service.base.fields import Id
from service.outcomes.rules import Situation


class ExitIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    left_on: date
    situation: Situation
    programme_id: Id | None = None
    plan_id: Id | None = None


class ExitOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    programme_id: str | None
    plan_id: str | None
    left_on: date
    situation: Situation
    recorded_by: str
    recorded_at: datetime


class ExitList(msgspec.Struct, kw_only=True):
    items: list[ExitOut]


class FollowUpIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    situation: Situation
    recorded_on: date
    source: Literal["client", "worker"]


class FollowUpOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    exit_id: str
    due_on: date
    status: Literal["scheduled", "asked", "answered", "cancelled"]
    # Asked, and no answer in 14 days: the responsible worker's to ask.
    overdue: bool
    asked_at: datetime | None
    situation: Situation | None
    recorded_on: date | None
    source: Literal["client", "worker"] | None


class FollowUpList(msgspec.Struct, kw_only=True):
    items: list[FollowUpOut]
