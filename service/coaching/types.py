"""Request and response bodies for coaching."""

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
    Reason,
    Url,
)

PlanKind = Literal["goal_coaching", "job_coaching"]
Rater = Literal["staff", "client"]
NextStep = Literal[
    "education", "employment", "work_trial", "rehabilitation", "other_service", "none"
]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300, pattern=ONE_LINE)]
LevelText = Annotated[str, msgspec.Meta(min_length=1, max_length=1000, pattern=NOT_BLANK)]
Weight = Annotated[float, msgspec.Meta(gt=0, le=100)]
Level = Annotated[int, msgspec.Meta(ge=-2, le=2)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]


class PlanIn(DatedBody):
    kind: PlanKind
    coach_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=5)]
    starts_on: InRangeDate
    ends_on: InRangeDate | None = None
    # Coaches of another organisation: the client's data_sharing consent covering theirs.
    consent_id: Id | None = None


class PlanPatch(DatedBody):
    coach_ids: Annotated[list[Id], msgspec.Meta(min_length=1, max_length=5)] | UnsetType = UNSET
    starts_on: InRangeDate | UnsetType = UNSET
    ends_on: InRangeDate | UnsetType | None = UNSET
    consent_id: Id | None = None


LevelName = Literal["-2", "-1", "0", "1", "2"]
LEVEL_NAMES: tuple[LevelName, ...] = ("-2", "-1", "0", "1", "2")
# What each level of a goal means, written with the client: {"-2": …, …, "2": …}, all five
# (API.md). A map with the level as its key, not an object with five properties named
# "-2" … "2": no generated client can name a field "-2", and every generator maps a map.
GoalLevels = Annotated[
    dict[LevelName, LevelText],
    msgspec.Meta(
        min_length=5,
        max_length=5,
        description='What each GAS level means, written with the client: all five keys "-2", '
        '"-1", "0", "1" and "2", each a text of 1 to 1000 characters',
        examples=[
            {
                "-2": "Ei käy ulkona lainkaan",
                "-1": "Käy ulkona kerran viikossa",
                "0": "Käy kävelyllä kaksi kertaa viikossa",
                "1": "Käy kävelyllä neljä kertaa viikossa",
                "2": "Liikkuu ulkona päivittäin",
            }
        ],
    ),
]


def goal_levels(*texts: str) -> dict[LevelName, str]:
    """The levels from -2 up, as GoalLevels."""
    return dict(zip(LEVEL_NAMES, texts, strict=True))


class GoalIn(Body):
    title: Title
    baseline: Literal[-2, -1]
    levels: GoalLevels
    weight: Weight = 1.0


class GoalPatch(Body):
    title: Title | UnsetType = UNSET
    weight: Weight | UnsetType = UNSET
    levels: GoalLevels | UnsetType = UNSET


class RatingIn(DatedBody):
    level: Level
    rated_on: InRangeDate
    note: Text | None = None


class RatingOut(msgspec.Struct, kw_only=True):
    id: str
    level: int
    rated_on: date
    note: str | None
    rated_by: str | None
    created_at: datetime


class GoalOut(msgspec.Struct, kw_only=True):
    id: str
    title: str
    weight: float
    baseline: int
    levels: GoalLevels
    latest_level: int
    ratings: list[RatingOut]
    # The client's own ratings from their page (rated_by "client"): shown beside the
    # staff's, never counted in latest_level or the GAS summary unless asked.
    client_ratings: list[RatingOut] = []
    version: int


class GasGoal(msgspec.Struct, kw_only=True):
    id: str
    weight: float
    baseline: int
    latest_level: int


class GasPoint(msgspec.Struct, kw_only=True):
    on: date
    t_score: float


class GasOut(msgspec.Struct, kw_only=True):
    t_score: float | None
    baseline_t_score: float | None
    rho: float
    goals: list[GasGoal]
    history: list[GasPoint]
    # Whose ratings were scored: the staff's (the default), or the client's own.
    ratings: Rater = "staff"


class ContinuationIn(DatedBody):
    next_step: NextStep
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=NOT_BLANK)]
    target_date: InRangeDate | None = None


class ContinuationOut(msgspec.Struct, kw_only=True):
    next_step: NextStep
    description: str
    target_date: date | None
    updated_at: datetime
    version: int


class MeetingIn(DatedBody):
    starts_at: InRangeDateTime
    ends_at: InRangeDateTime
    location: Location | None = None
    online_url: Url | None = None


class MeetingPatch(DatedBody):
    starts_at: InRangeDateTime | UnsetType = UNSET
    ends_at: InRangeDateTime | UnsetType = UNSET
    location: Location | UnsetType | None = UNSET
    online_url: Url | UnsetType | None = UNSET


class MeetingCancelIn(Body):
    reason: Reason


class MeetingOut(msgspec.Struct, kw_only=True):
    id: str
    plan_id: str
    starts_at: datetime
    ends_at: datetime
    location: Location | None
    online_url: str | None
    status: Literal["scheduled", "held", "cancelled"]
    revision: int


class PlanOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    kind: PlanKind
    coach_ids: list[str]
    starts_on: date
    ends_on: date | None
    goals: list[GoalOut]
    gas: GasOut
    continuation: ContinuationOut | None
    meetings: list[MeetingOut]
    version: int
    created_at: datetime
    updated_at: datetime


class PlanSummary(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    kind: PlanKind
    coach_ids: list[str]
    starts_on: date
    ends_on: date | None
    version: int


PlanStatus = Literal["open", "ended"]


class PlanListItem(msgspec.Struct, kw_only=True):
    """A plan as a list of plans shows it."""

    id: str
    client_id: str
    # First name and surname initial: what a list on a shared screen shows of a client.
    client_name: str
    kind: PlanKind
    status: PlanStatus
    coach_ids: list[str]
    starts_on: date
    ends_on: date | None
    goal_count: int
    # The day of the latest staff rating of any of its goals.
    last_rated_on: date | None
    # The GAS T-score from the staff's latest ratings (goals not rated at their baseline).
    t_score: float | None
    version: int


class NoteIn(Body):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=20000, pattern=NOT_BLANK)]


class NoteOut(msgspec.Struct, kw_only=True):
    id: str
    body: str
    author_id: str
    author_name: str
    created_at: datetime


# The CV prints on one A4 page; these limits are what fits on it.
CvEntry = Annotated[str, msgspec.Meta(min_length=1, max_length=30, pattern=ONE_LINE)]


class ExperienceEntry(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    title: Annotated[str, msgspec.Meta(min_length=1, max_length=50, pattern=ONE_LINE)]
    place: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    period: Annotated[str, msgspec.Meta(max_length=25)] | None = None
    description: Annotated[str, msgspec.Meta(max_length=150)] | None = None


class StrengthsCvIn(Body):
    summary: Annotated[str, msgspec.Meta(max_length=400)] = ""
    strengths: Annotated[list[CvEntry], msgspec.Meta(max_length=6)] = []
    skills: Annotated[list[CvEntry], msgspec.Meta(max_length=8)] = []
    experience: Annotated[list[ExperienceEntry], msgspec.Meta(max_length=4)] = []
    interests: Annotated[list[CvEntry], msgspec.Meta(max_length=6)] = []


class StrengthsCvOut(msgspec.Struct, kw_only=True):
    client_id: str
    summary: str
    strengths: list[str]
    skills: list[str]
    experience: list[ExperienceEntry]
    interests: list[str]
    updated_at: datetime
    version: int


class AssessmentIn(DatedBody):
    instrument: Annotated[str, msgspec.Meta(max_length=100)]
    assessed_on: InRangeDate
    answers: dict[str, Any]
    instrument_version: Annotated[int, msgspec.Meta(ge=1)] | None = None


class AssessmentOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    instrument: str
    instrument_version: int
    assessed_on: date
    answers: dict[str, Any]
    scores: dict[str, Any]
    change_since_first: dict[str, float] | None
    answered_by: Rater = "staff"
    created_at: datetime


class AssessmentRequestIn(Body):
    instrument: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class AssessmentRequestOut(msgspec.Struct, kw_only=True):
    id: str
    plan_id: str
    client_id: str
    instrument: str
    instrument_version: int
    requested_by: str
    requested_at: datetime
    status: Literal["open", "answered"]
    assessment_id: str | None
