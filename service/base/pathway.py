"""A step on a client's path: what each domain tells of a client's pathway."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec


class PathwayEvent(msgspec.Struct, kw_only=True):
    """One step on a client's path: what happened, when, and what it concerns."""

    at: datetime
    kind: str
    summary: str
    subject_type: str
    subject_id: str
    details: dict[str, Any] = {}
