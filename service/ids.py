"""Ids are opaque strings to users and UUIDs in the database."""

from __future__ import annotations

import uuid

from service.errors import PolkuError


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
