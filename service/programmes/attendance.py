"""Attendance per session, and the clients it shows are slipping away."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

import asyncpg

from service.base import audit
from service.base.errors import InvalidInput
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.occasions import require_started
from service.base.pagination import NEWEST_FIRST, CursorId, Page, decode_cursor, page_of
from service.programmes.sessions import find_session, lock_session
from service.programmes.sql import queries
from service.programmes.types import AttendanceIn, AttendanceOut, AttendanceRecordOut, AttentionOut

ATTENDED = frozenset({"present", "remote"})


@dataclass(frozen=True)
class AbsenceVerdict:
    """Whether a client's record calls for a flag, since when, and over which sessions.
    No flag means any open one is stale: the record that raised it was corrected."""

    flag_since: datetime | None = None
    absent_sessions: tuple[str, ...] = ()


def judge_absences(history: Sequence[tuple[str, datetime, str | None]]) -> AbsenceVerdict:
    """Read (session id, start, status or None) in session order, held sessions only.

    Two unexcused absences in a row since the client last attended raise a flag from
    the second one; attending a later session clears it. A session with no record, or
    an excused one, between two absences breaks the run.
    """
    attended = [i for i, (_, _, status) in enumerate(history) if status in ATTENDED]
    since_attended = history[attended[-1] + 1 :] if attended else history
    run: list[tuple[str, datetime]] = []
    for session_id, starts_at, status in since_attended:
        if status == "absent":
            run.append((session_id, starts_at))
        elif len(run) >= 2:
            break
        else:
            run = []
    if len(run) < 2:
        return AbsenceVerdict()
    return AbsenceVerdict(flag_since=run[1][1], absent_sessions=tuple(s for s, _ in run))


@dataclass(frozen=True)
class Recorded:
    """What recording a session's attendance did."""

    attendance: AttendanceOut  # as the recorder sees it now
    programme_id: str
    came: list[str]  # clients whose record now says they came, where it said otherwise


async def record_attendance(
    conn: asyncpg.Connection,
    actor: Actor,
    session_id: str,
    data: AttendanceIn,
    *,
    only_named: bool = False,
) -> Recorded:
    """The part of the session's attendance the actor reaches becomes exactly these
    records (PUT: idempotent); with `only_named` (PATCH) only the named records change."""
    session = await lock_session(
        conn, actor, session_id, partial(require_started, what="attendance")
    )
    client_ids = [record.client_id for record in data.records]
    seen: set[str] = set()
    for index, client_id in enumerate(client_ids):
        if client_id in seen:
            raise InvalidInput(f"records[{index}].client_id", "appears twice")
        seen.add(client_id)
    enrolled = set()
    if all(is_id(c) for c in client_ids):
        rows = await queries.attendable_clients(
            conn, session_id=session_id, viewer=actor.id, client_ids=client_ids
        )
        enrolled = {row["client_id"] for row in rows}
    for index, client_id in enumerate(client_ids):
        if client_id not in enrolled:
            # The same words for a client out of reach: a list must not tell them apart.
            raise InvalidInput(f"records[{index}].client_id", "not enrolled in this programme")
    changed = await queries.replace_attendance(
        conn,
        session_id=session_id,
        client_ids=client_ids,
        statuses=[record.status for record in data.records],
        recorded_by=actor.id,
        only_named=only_named,
    )
    changed_ids = [row["client_id"] for row in changed]
    await _update_attention(conn, session["programme_id"], changed_ids)
    changed_now = set(changed_ids)
    came = [
        r.client_id for r in data.records if r.status in ATTENDED and r.client_id in changed_now
    ]
    await audit.log_for_clients(conn, actor, "attendance.record", changed_ids)
    # The answer is the session's attendance as the recorder sees it: a read of it.
    recorded = await _attendance(conn, actor, session_id)
    await audit.log_for_clients(
        conn, actor, "attendance.read", [record.client_id for record in recorded.records]
    )
    return Recorded(recorded, session["programme_id"], came)


async def _update_attention(
    conn: asyncpg.Connection, programme_id: str, client_ids: list[str]
) -> None:
    if not client_ids:
        return
    rows = await queries.absence_histories(conn, programme_id=programme_id, client_ids=client_ids)
    histories: dict[str, list[tuple[str, datetime, str | None]]] = defaultdict(list)
    for row in rows:
        histories[row["client_id"]].append((row["session_id"], row["starts_at"], row["status"]))
    verdicts = {client_id: judge_absences(histories[client_id]) for client_id in client_ids}
    cleared = [client_id for client_id, verdict in verdicts.items() if verdict.flag_since is None]
    flagged = [(c, v) for c, v in verdicts.items() if v.flag_since is not None]
    if cleared:
        await queries.resolve_attention_flags(conn, programme_id=programme_id, client_ids=cleared)
    if flagged:
        await queries.open_attention_flags(
            conn,
            programme_id=programme_id,
            client_ids=[client_id for client_id, _ in flagged],
            since=[verdict.flag_since for _, verdict in flagged],
            details=[{"absent_sessions": list(verdict.absent_sessions)} for _, verdict in flagged],
        )


async def read_attendance(conn: asyncpg.Connection, actor: Actor, session_id: str) -> AttendanceOut:
    await find_session(conn, session_id)
    attendance = await _attendance(conn, actor, session_id)
    await audit.log_for_clients(
        conn, actor, "attendance.read", [record.client_id for record in attendance.records]
    )
    return attendance


async def _attendance(conn: asyncpg.Connection, actor: Actor, session_id: str) -> AttendanceOut:
    """The session's records of the clients the actor reaches."""
    rows = await queries.session_attendance(conn, session_id=session_id, viewer=actor.id)
    return AttendanceOut(
        session_id=session_id,
        records=[
            AttendanceRecordOut(
                client_id=row["client_id"],
                status=row["status"],
                recorded_at=row["recorded_at"],
                recorded_by=row["recorded_by"],
            )
            for row in rows
        ],
    )


async def needs_attention(
    conn: asyncpg.Connection, actor: Actor, *, limit: int, cursor: str | None
) -> Page[AttentionOut]:
    """Open flags on the clients the caller is responsible for."""
    after_since, after_id = decode_cursor(cursor, tuple[datetime, CursorId], first=NEWEST_FIRST)
    rows = await queries.attention_for_worker(
        conn,
        viewer=actor.id,
        after_since=after_since,
        after_id=after_id,
        limit=limit + 1,
    )
    items = [
        AttentionOut(
            id=row["id"],
            client_id=row["client_id"],
            client_name=row["client_name"],
            programme_id=row["programme_id"],
            programme_title=row["programme_title"],
            reason=row["reason"],
            since=row["since"],
            details=row["details"],
        )
        for row in rows
    ]
    page = page_of(items, limit, lambda item: (item.since, item.id))
    await audit.log_for_clients(
        conn, actor, "attention.read", [item.client_id for item in page.items]
    )
    return page
