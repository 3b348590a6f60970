"""Ids are opaque strings to users and UUIDs in the database."""

from __future__ import annotations

import uuid
from typing import Annotated

import msgspec

from service.base.errors import PolkuError

# The form PostgreSQL gives uuids out in: anything else read back from a caller (a
# cursor, say) was not given out by Polku.
ID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
Id = Annotated[
    str, msgspec.Meta(pattern=ID_PATTERN, examples=["3f2b6c1e-8a4d-4e9b-9c1a-2f5d7e8b9a01"])
]


def is_id(value: str) -> bool:
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        return False
    return len(value) == 36


def require_id(value: str, error: PolkuError) -> str:
    """The id, or `error` raised when it cannot name anything (a malformed id is just unknown)."""
    if not is_id(value):
        raise error
    return value
