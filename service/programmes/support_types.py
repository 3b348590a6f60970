"""Request and response bodies for participant support."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

import msgspec

from service.base.fields import Body, Id

SupportKind = Literal["bus_ticket", "ride", "taxi", "meal", "other"]
# Read from the JSON text straight into a Decimal (a string "12.50" or a number 12.5),
# never through a float; the range and the two decimals are checked by
# support_rules.euros, which names the field.
Euros = Annotated[
    Decimal,
    msgspec.Meta(
        extra_json_schema={
            "description": "euros, at most two decimals, 0 to 1000.00 (string or number)",
            "examples": ["12.50"],
            "extra": {"pattern": r"^(1000(\.00?)?|\d{1,3}(\.\d{1,2})?)$"},
        }
    ),
]
# What an answer gives: a string with two decimals, "12.50".
EurosText = Annotated[str, msgspec.Meta(examples=["12.50"])]
Note = Annotated[str, msgspec.Meta(max_length=500)]


class SupportIn(Body):
    client_id: Id
    kind: SupportKind
    amount_eur: Euros
    note: Note | None = None


class SupportOut(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    session_id: str
    session_number: int
    session_date: date
    client_id: str
    client_name: str  # first name and surname initial
    kind: SupportKind
    amount_eur: EurosText
    note: str | None
    given_by: str
    given_by_name: str
    given_at: datetime


class KindTotal(msgspec.Struct, kw_only=True):
    kind: SupportKind
    entries: int
    amount_eur: EurosText


class SupportTotals(msgspec.Struct, kw_only=True):
    """Over every entry the viewer may see (not only this page)."""

    entries: int
    participants: int
    amount_eur: EurosText
    by_kind: list[KindTotal]


class ProgrammeSupport(msgspec.Struct, kw_only=True):
    """A programme's support: the entries about clients in the viewer's reach, and their
    totals; entries about clients out of reach are in neither."""

    programme_id: str
    items: list[SupportOut]
    next_cursor: str | None
    totals: SupportTotals
