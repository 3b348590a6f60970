"""The audit trail, one table per month (migration 0040): the rows of before kept, each
in its month; months made ahead, once each; every month as append-only as the trail."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import asyncpg
import pytest

from db.migrate import load_migrations, migrate
from service.base import audit
from tests.db.test_migrations import scratch  # noqa: F401 (a fixture)

APPEND_ONLY = "audit events are append-only"
_MONTHS = """
SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
WHERE i.inhparent = 'audit_events'::regclass ORDER BY c.relname
"""


def this_month() -> str:
    return f"audit_events_{datetime.now(UTC):%Y_%m}"


async def _months(conn: asyncpg.Connection) -> list[str]:
    return [row["relname"] for row in await conn.fetch(_MONTHS)]


async def test_the_rows_of_before_are_kept_each_in_its_month(
    scratch: asyncpg.Connection,  # noqa: F811
) -> None:
    migrations = load_migrations()
    await migrate(scratch, [m for m in migrations if m.version < "0040"])
    await scratch.execute(
        "INSERT INTO audit_events (occurred_at, action, detail) VALUES "
        "('2025-11-30 23:59:59.5+00', 'read', '{\"n\": 1}'), "
        "('2025-12-01 00:00+00', 'read', NULL), (now(), 'change', NULL)"
    )
    before = [tuple(r) for r in await scratch.fetch("SELECT * FROM audit_events ORDER BY id")]
    await migrate(scratch, migrations)

    after = await scratch.fetch("SELECT *, tableoid::regclass::text AS month FROM audit_events")
    assert sorted(tuple(r)[:-1] for r in after) == before
    assert [r["month"] for r in sorted(after, key=lambda r: r["id"])] == [
        "audit_events_2025_11",
        "audit_events_2025_12",
        this_month(),
    ]
    months = await _months(scratch)
    assert months[0] == "audit_events_2025_11"
    assert len(months) >= 12 + 4  # through three months ahead of now
    # New rows go on after the old ones.
    new_id = await scratch.fetchval("INSERT INTO audit_events (action) VALUES ('x') RETURNING id")
    assert new_id == max(r["id"] for r in after) + 1


async def test_months_are_made_ahead_once_each_when_two_ask_at_once(
    db: asyncpg.Connection, owner_pool: asyncpg.Pool
) -> None:
    ahead = [m for m in await _months(db) if m > this_month()]
    assert len(ahead) == 3
    for month in ahead:
        await db.execute(f"DROP TABLE {month}")
    try:
        async with owner_pool.acquire() as first, owner_pool.acquire() as second:
            made = await asyncio.gather(
                audit.make_months_ahead(first), audit.make_months_ahead(second)
            )
        assert sorted(made) == [0, 3]
    finally:
        await audit.make_months_ahead(db)
    assert [m for m in await _months(db) if m > this_month()] == ahead


async def test_the_app_has_no_right_on_a_month_and_the_owner_cannot_change_one(
    db: asyncpg.Connection,
) -> None:
    month = this_month()
    await db.execute("INSERT INTO audit_events (action) VALUES ('read')")
    for statement in [
        f"UPDATE {month} SET action = 'nothing'",  # noqa: S608
        f"DELETE FROM {month}",  # noqa: S608
        f"TRUNCATE {month}",
    ]:
        with pytest.raises(asyncpg.InsufficientPrivilegeError, match=APPEND_ONLY):
            await db.execute(statement)
    for right in ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"]:
        assert not await db.fetchval(
            "SELECT has_table_privilege('polku_app', $1, $2)", month, right
        )
    assert not await db.fetchval(
        "SELECT has_function_privilege('polku_app', 'create_audit_months(date, date)', 'EXECUTE')"
    )
