"""Request and response bodies for group programmes, sessions, enrolment and attendance."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from service.base.fields import (
    NOT_BLANK,
    ONE_LINE,
    Body,
    DatedBody,
    Id,
    InRangeDate,
    InRangeDateTime,
    Location,
    Name,
    Reason,
    TimeZone,
    Url,
)
from service.base.problems import pattern
from service.programmes.kinds import DEFAULT_KIND, Kind

WallTime = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^([01]\d|2[0-3]):[0-5]\d$",
            "must be a time of day as HH:MM, such as 10:00",
        ),
        examples=["10:00"],
    ),
]
Theme = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=ONE_LINE)]
# Days, hours and minutes before a session: P1D, PT2H, P1DT12H, PT30M.
Offset = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^P(?=\d|T\d)(\d{1,2}D)?(T(?=\d)(\d{1,3}H)?(\d{1,4}M)?)?$",
            "must be an ISO 8601 duration such as P1D or PT2H",
        )
    ),
]

ProgrammeStatus = Literal["planned", "running", "completed", "cancelled"]
SessionStatus = Literal["scheduled", "held", "cancelled"]
EnrolmentStatus = Literal["enrolled", "waitlisted", "withdrawn"]
AttendanceStatus = Literal["present", "remote", "absent", "excused"]


class ProgrammeIn(DatedBody):
    title: Name
    organisation_id: Id
    first_session_date: InRangeDate
    start_time: WallTime
    duration_minutes: Annotated[int, msgspec.Meta(ge=15, le=720)]
    capacity: Annotated[int, msgspec.Meta(ge=1, le=200)]
    location: Location
    facilitator_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=10)]
    contact_ids: Annotated[list[Id], msgspec.Meta(max_length=20)] = []
    kind: Kind = DEFAULT_KIND
    # How many meetings; left out, the kind's default (8). The kind sets the limits:
    # a co_development group meets 6–10 times.
    weeks: Annotated[int, msgspec.Meta(ge=1, le=52)] | None = None
    timezone: TimeZone = "Europe/Helsinki"
    online_url: Url | None = None
    session_themes: Annotated[list[Theme], msgspec.Meta(max_length=52)] | None = None
    skip_public_holidays: bool = True
    reminder_offsets: Annotated[list[Offset], msgspec.Meta(max_length=5)] = msgspec.field(
        default_factory=lambda: ["P1D", "PT2H"]
    )
    description: Annotated[str, msgspec.Meta(max_length=5000)] | None = None


class ProgrammePatch(Body):
    """Fields left out stay; null clears an optional field."""

    title: Name | UnsetType = UNSET
    description: Annotated[str, msgspec.Meta(max_length=5000)] | UnsetType | None = UNSET
    capacity: Annotated[int, msgspec.Meta(ge=1, le=200)] | UnsetType = UNSET
    location: Location | UnsetType = UNSET
    online_url: Url | UnsetType | None = UNSET
    facilitator_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=10)] | UnsetType = (
        UNSET
    )
    contact_ids: Annotated[list[Id], msgspec.Meta(max_length=20)] | UnsetType = UNSET
    reminder_offsets: Annotated[list[Offset], msgspec.Meta(max_length=5)] | UnsetType = UNSET


class CancelIn(Body):
    reason: Reason


class SessionOut(msgspec.Struct, kw_only=True):
    id: str
    number: int
    starts_at: datetime
    ends_at: datetime
    theme: str | None
    status: SessionStatus
    location: Location
    online_url: str | None
    moved: bool
    revision: int
    cancellation_reason: str | None


class ProgrammeSummary(msgspec.Struct, kw_only=True):
    id: str
    organisation_id: str
    title: str
    kind: Kind
    status: ProgrammeStatus
    starts_at: datetime
    ends_at: datetime
    weeks: int
    capacity: int
    enrolled_count: int
    waitlisted_count: int
    location: Location
    online_url: str | None


class ProgrammeOut(ProgrammeSummary, kw_only=True):
    description: str | None
    first_session_date: date
    start_time: str
    duration_minutes: int
    timezone: str
    skip_public_holidays: bool
    reminder_offsets: list[str]
    facilitator_ids: list[str]
    contact_ids: list[str]
    participant_ids: list[str]
    cancelled_at: datetime | None
    cancellation_reason: str | None
    created_at: datetime
    updated_at: datetime
    sessions: list[SessionOut]


class SessionPatch(DatedBody):
    """Move a session or change its place; null location or link falls back to the
    programme's."""

    starts_at: InRangeDateTime | UnsetType = UNSET
    ends_at: InRangeDateTime | UnsetType = UNSET
    location: Location | UnsetType | None = UNSET
    online_url: Url | UnsetType | None = UNSET
    theme: Theme | UnsetType | None = UNSET
    reason: Reason | None = None


class SessionChangeOut(msgspec.Struct, kw_only=True):
    """One change to a session: each changed field as [before, after]."""

    id: str
    changed_at: datetime
    changed_by: str | None
    changed_by_name: str | None
    changes: dict[str, list[Any]]
    reason: str | None


class EnrolmentIn(Body):
    client_id: Id
    referral_id: Id | None = None


class WithdrawIn(Body):
    reason: Reason


class EnrolmentOut(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    client_id: str
    status: EnrolmentStatus
    waitlist_position: int | None = None
    referral_id: str | None
    created_at: datetime
    enrolled_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None


class EnrolmentListItem(EnrolmentOut, kw_only=True):
    client_name: str


class AttendanceRecordIn(msgspec.Struct, forbid_unknown_fields=True):
    client_id: Id
    status: AttendanceStatus


class AttendanceIn(Body):
    records: Annotated[list[AttendanceRecordIn], msgspec.Meta(max_length=200)]


class AttendanceRecordOut(msgspec.Struct, kw_only=True):
    client_id: str
    status: AttendanceStatus
    recorded_at: datetime
    recorded_by: str | None


class AttendanceOut(msgspec.Struct, kw_only=True):
    session_id: str
    records: list[AttendanceRecordOut]


class AttentionOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    client_name: str
    programme_id: str
    programme_title: str
    reason: Literal["repeated_absence"]
    since: datetime
    details: dict[str, object]


class FeedbackIn(Body):
    """What the client said when the group ended, recorded with them by a coach."""

    got_support: bool
    new_plans: bool
    comment: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class FeedbackOut(msgspec.Struct, kw_only=True):
    enrolment_id: str
    programme_id: str
    client_id: str
    got_support: bool
    new_plans: bool
    comment: str | None
    recorded_by: str
    recorded_at: datetime


class ParticipantIn(Body):
    staff_id: Id


class ParticipantOut(msgspec.Struct, kw_only=True):
    """A staff member taking part in a group as a participant, not running it."""

    staff_id: str
    name: str
    organisation_id: str


MemoText = Annotated[str, msgspec.Meta(min_length=1, max_length=4000, pattern=NOT_BLANK)]


class MemoIn(Body):
    text: MemoText


class MemoOut(msgspec.Struct, kw_only=True):
    session_id: str
    programme_id: str
    text: str
    written_by: str | None
    written_at: datetime


class WorkersPresentIn(Body):
    staff_ids: Annotated[list[Id], msgspec.Meta(max_length=50)]


class WorkerOut(msgspec.Struct, kw_only=True):
    staff_id: str
    name: str
    organisation_id: str


class WorkersPresentOut(msgspec.Struct, kw_only=True):
    session_id: str
    programme_id: str
    workers: list[WorkerOut]
