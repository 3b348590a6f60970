"""Bodies of the SMS gateway's callback."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

HandledAs = Literal["rsvp", "follow_up", "opt_out", "forwarded", "unknown_sender", "duplicate"]


class InboundSms(msgspec.Struct, kw_only=True, forbid_unknown_fields=False):
    """One SMS as the gateway received it."""

    id: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    sender: Annotated[str, msgspec.Meta(min_length=1, max_length=40)] = msgspec.field(name="from")
    text: Annotated[str, msgspec.Meta(max_length=5000)]
    received_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


class InboundOut(msgspec.Struct, kw_only=True):
    handled_as: HandledAs
