"""Request and response bodies of closing, legal holds and the retention pass."""

from __future__ import annotations

from datetime import date, datetime

import msgspec

from service.base.fields import DatedBody, Reason


class CloseIn(DatedBody):
    closed_on: date
    reason: Reason


class Closure(msgspec.Struct, kw_only=True):
    client_id: str
    closed_on: date
    closed_at: datetime
    closed_by: str | None
    retention_until: date
    # What closing ended, counted: messages not yet sent, six-month follow-ups still
    # open, and page and calendar-feed links.
    cancelled_messages: int = 0
    cancelled_follow_ups: int = 0
    revoked_links: int = 0


class LegalHoldIn(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    reason: Reason


class LegalHold(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None


class LegalHoldList(msgspec.Struct, kw_only=True):
    items: list[LegalHold]


class RetentionPass(msgspec.Struct, kw_only=True):
    """What a pass erased, or with `dry_run` would erase, and what a hold keeps."""

    dry_run: bool
    erased: int
    client_ids: list[str]
    held: int
    # Clients whose erasure failed (the error is logged; the next pass tries again).
    failed: list[str] = []
