"""Bodies of the client page's staff API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

Answer = Literal["coming", "not_coming"]
# Where the client answered: on their page, or by replying to an SMS.
Via = Literal["page", "sms"]


class PageLinkOut(msgspec.Struct, kw_only=True):
    url: str
    expires_at: datetime


class RsvpOut(msgspec.Struct, kw_only=True):
    client_id: str
    answer: Answer
    answered_at: datetime
    via: Via


class RsvpList(msgspec.Struct, kw_only=True):
    items: list[RsvpOut]
