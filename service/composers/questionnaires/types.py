"""Request and response bodies of questionnaire rounds."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec

from service.base.fields import Body, DatedBody, InRangeDate
from service.coaching.instruments import LocalText
from service.composers.questionnaires.results import ItemResult, Respondents

RoundStatus = Literal["upcoming", "open", "closed"]


class RoundIn(DatedBody):
    questionnaire: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    opens_on: InRangeDate
    closes_on: InRangeDate
    anonymous: bool = False
    questionnaire_version: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None


class RoundOut(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    questionnaire: str
    questionnaire_version: int
    opens_on: date
    closes_on: date
    anonymous: bool
    status: RoundStatus
    created_at: datetime


class AnswersIn(Body):
    answers: Annotated[dict[str, Any], msgspec.Meta(max_length=100)]


class AnswersOut(msgspec.Struct, kw_only=True):
    round_id: str
    role: Literal["client", "staff"]
    anonymous: bool
    # Named rounds: the answers as kept. Anonymous rounds: nothing (nothing links them to
    # you, so they cannot be shown back or changed).
    answers: dict[str, Any] | None
    changeable_until: date | None


class RoundResults(msgspec.Struct, kw_only=True):
    round: RoundOut
    respondents: Respondents
    items: list[ItemResult]
    suppression_rule: str
    threshold: int


class RoundToAnswer(msgspec.Struct, kw_only=True):
    """An open round of a programme you take part in, not answered yet
    (POST /api/v1/questionnaire-rounds/{id}/answers)."""

    id: str
    programme_id: str
    programme_title: str
    title: LocalText
    closes_on: date
    anonymous: bool
