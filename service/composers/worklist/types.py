"""The work list's body."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from service.composers.questionnaires.types import RoundToAnswer
from service.referrals.types import StalledPath


class SessionToDo(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    title: str
    number: int
    weeks: int
    starts_at: datetime
    # Held and not yet recorded for this many of the group's clients you reach.
    attendance_to_record: int
    # The latest answers given on the clients' pages (of clients you reach).
    coming: int
    not_coming: int


class MeetingToDo(msgspec.Struct, kw_only=True):
    id: str
    plan_id: str
    client_id: str
    client_name: str
    starts_at: datetime
    status: str


class StalledToDo(msgspec.Struct, kw_only=True):
    path: StalledPath
    client_name: str


class FollowUpToDo(msgspec.Struct, kw_only=True):
    """Asked six months after leaving and unanswered for 14 days: yours to ask."""

    id: str
    client_id: str
    client_name: str
    due_on: date


class ExitToDo(msgspec.Struct, kw_only=True):
    """A client of yours left a group or ended a coaching plan: their situation upon
    leaving is recorded within four weeks (POST /clients/{id}/exits)."""

    client_id: str
    client_name: str
    left_on: date
    # The group (its title) or the plan (its kind) they left.
    programme_id: str | None = None
    plan_id: str | None = None
    title: str


class AccessRequestToDo(msgspec.Struct, kw_only=True):
    """For admins: a client's request to see their data, past its due day (one calendar
    month) and unanswered: POST /access-requests/{id}/answer."""

    id: str
    client_id: str
    client_name: str
    received_on: date
    due_on: date


class Worklist(msgspec.Struct, kw_only=True):
    first_day: date
    last_day: date
    sessions: list[SessionToDo]
    meetings: list[MeetingToDo]
    stalled: list[StalledToDo]
    follow_ups: list[FollowUpToDo]
    exits_to_record: list[ExitToDo]
    unread_notices: int
    late_access_requests: list[AccessRequestToDo]
    # Questionnaire rounds of your programmes, open and not answered by you yet.
    questionnaire_rounds: list[RoundToAnswer] = []
