"""The support report's answer."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from service.reports.disclosure import Figure
from service.reports.types import Period, Suppression

SupportKind = Literal["bus_ticket", "ride", "taxi", "meal", "other"]
EurosText = Annotated[str, msgspec.Meta(examples=["12.50"])]


class KindCost(msgspec.Struct, frozen=True, kw_only=True):
    kind: SupportKind
    entries: int
    amount_eur: EurosText
    participants: Figure


class ProgrammeCost(msgspec.Struct, frozen=True, kw_only=True):
    programme_id: str
    title: str
    entries: int
    amount_eur: EurosText
    participants: Figure
    by_kind: list[KindCost]


class SupportReport(msgspec.Struct, frozen=True, kw_only=True):
    """Money as exact decimal strings, shown whatever the sum (a cost, not a count of
    people); counts of participants supported under five suppressed."""

    period: Period
    organisation_ids: list[str]
    entries: int
    amount_eur: EurosText
    participants: Figure
    by_kind: list[KindCost]
    programmes: list[ProgrammeCost]
    suppression: Suppression
