"""The retention pass: every client past `retention_until` and under no legal hold is
erased (migration 0030's `erase_client` says what goes and what stays for the reports),
the audit rows about them keep only ids, and each erasure is audited with no actor (the
system).

A pass works in batches, each its own short transaction: the rows of the clients it
erases are locked only until their batch commits, and a second pass running at the
same moment skips them (SKIP LOCKED) and finds them erased afterwards, so each client
is erased once. Coaches' reads never wait on it: they take no row locks."""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg

from service.base.clock import today_in_finland
from service.composers.data_rights.sql import queries
from service.composers.data_rights.types import RetentionPass

logger = logging.getLogger("polku.retention")

BATCH_SIZE = 50
BREATHER = 0.25
# A dry run lists at most this many ids (the count is exact).
LISTED = 10_000


async def dry_run(conn: asyncpg.Connection) -> RetentionPass:
    """What a pass would erase now, changing nothing."""
    today = today_in_finland()
    rows = await queries.due(conn, today=today, max_rows=LISTED)
    held = await queries.held_past_retention(conn, today=today)
    return RetentionPass(
        dry_run=True, erased=len(rows), client_ids=[row["id"] for row in rows], held=held
    )


async def erase_batch(
    conn: asyncpg.Connection, batch_size: int = BATCH_SIZE, failed: list[str] | None = None
) -> tuple[int, list[str]]:
    """Erase one batch in one transaction: how many were taken, and the ids erased (a
    hold placed a moment ago keeps its client). A client whose erasure fails is left as
    it was (its own savepoint), added to `failed` and not taken again by this pass."""
    failed = [] if failed is None else failed
    erased = []
    async with conn.transaction():
        claimed = await queries.claim_batch(
            conn, today=today_in_finland(), max_rows=batch_size, failed=failed
        )
        for row in claimed:
            try:
                async with conn.transaction():
                    if await queries.erase(conn, client_id=row["id"]):
                        erased.append(row["id"])
            except asyncpg.PostgresError as error:
                logger.error(
                    "could not erase client %s: %s (SQLSTATE %s)",
                    row["id"],
                    type(error).__name__,
                    error.sqlstate,
                )
                failed.append(row["id"])
        if erased:
            await queries.log_erasures(conn, client_ids=erased)
    return len(claimed), erased


async def run(
    conn: asyncpg.Connection, batch_size: int = BATCH_SIZE, breather: float = BREATHER
) -> RetentionPass:
    """Erase everything due, batch after batch, until none is left for this pass. After
    each batch the pass rests a fraction (`breather`) of the time the batch took, so that
    on a busy database the requests of the day keep their share of it."""
    erased: list[str] = []
    failed: list[str] = []
    while True:
        started = time.monotonic()
        taken, batch = await erase_batch(conn, batch_size, failed)
        erased.extend(batch)
        if taken < batch_size:
            break
        await asyncio.sleep((time.monotonic() - started) * breather)
    held = await queries.held_past_retention(conn, today=today_in_finland())
    if erased:
        logger.info("erased %d clients past their retention", len(erased))
    return RetentionPass(
        dry_run=False, erased=len(erased), client_ids=erased, held=held, failed=failed
    )
