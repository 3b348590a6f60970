"""Text PostgreSQL can store: it has no place for the NUL character."""

from __future__ import annotations

from typing import Any

NUL = "\x00"


def nul_at(value: Any, path: str = "") -> str | None:
    """Where in decoded JSON (or any dicts and lists) a NUL character sits, as a field
    path such as `records[2].note`, if anywhere."""
    if isinstance(value, str):
        return (path or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            if NUL in str(key):
                return where.replace(NUL, "")
            found = nul_at(item, where)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_at(item, f"{path}[{index}]")
            if found:
                return found
    return None
