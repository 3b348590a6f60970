"""What the client does or reads on their own page, audited with the client as the
actor (never a staff member)."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.client_page.sql import queries


async def audit(
    conn: asyncpg.Connection,
    client_id: str,
    action: str,
    *,
    subject: tuple[str, str] | None = None,
    request_id: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    subject_type, subject_id = subject or (None, None)
    await queries.audit_client_act(
        conn,
        client_id=client_id,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        request_id=request_id,
        detail=detail,
    )
