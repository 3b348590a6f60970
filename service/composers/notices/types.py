"""What a notice looks like in the API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from service.referrals.lifecycle import Status


class NoticeOut(msgspec.Struct, kw_only=True):
    """A change to one of your referrals made by someone else (`referral_change`: the
    referral fields are set), or a message your client sent by SMS (`client_message`:
    `text` is set)."""

    id: str
    kind: Literal["referral_change", "client_message"]
    client_id: str
    referral_id: str | None
    target_name: str | None
    from_status: Status | None
    to_status: Status | None
    reason: str | None
    by: str | None
    text: str | None
    at: datetime
    read_at: datetime | None
