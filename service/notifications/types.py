"""Response bodies for the delivery log."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec


class MessageOut(msgspec.Struct, kw_only=True):
    id: str
    kind: Literal["invite", "update", "cancellation", "reminder", "notice", "page_link"]
    channel: Literal["email", "sms"]
    status: Literal["pending", "sending", "sent", "failed", "skipped", "cancelled"]
    scheduled_for: datetime
    sent_at: datetime | None
    reason: str | None
    attempts: int
    programme_id: str | None
    session_id: str | None
