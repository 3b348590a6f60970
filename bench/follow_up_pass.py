"""The daily follow-up pass: about 5,000 follow-ups due at once on the largest data, two
passes started at the same moment (two workers), each question queued exactly once.

The follow-ups are added for the measurement and removed after it, so the generated
data stays as it was."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from db.pool import connect
from service.outcomes import follow_ups

DUE = 5_000


@dataclass(frozen=True)
class FollowUpPass:
    due: int
    asked: int  # by both passes together
    questions: int  # messages queued
    seconds: float  # both passes, started together, until the last ends


async def _one_pass(database_url: str) -> int:
    conn = await connect(database_url)
    try:
        async with conn.transaction():
            return await follow_ups.ask_due(conn)
    finally:
        await conn.close()


async def _measure(database_url: str, due: int) -> FollowUpPass:
    conn = await connect(database_url)
    try:
        clients = [
            row[0]
            for row in await conn.fetch(
                "SELECT id FROM clients c WHERE NOT EXISTS (SELECT FROM follow_ups f "
                "WHERE f.client_id = c.id) ORDER BY md5(id::text) LIMIT $1",
                due,
            )
        ]
        staff_id = await conn.fetchval("SELECT id FROM staff ORDER BY id LIMIT 1")
        await conn.execute(
            """
            WITH left_them AS (
                INSERT INTO exits (client_id, left_on, situation, recorded_by)
                SELECT c, current_date - 183, 'job_seeking', $2 FROM unnest($1::uuid[]) AS c
                RETURNING id, client_id
            )
            INSERT INTO follow_ups (client_id, exit_id, due_on)
            SELECT client_id, id, current_date FROM left_them
            """,
            clients,
            staff_id,
        )
        try:
            started = time.perf_counter()
            asked = await asyncio.gather(_one_pass(database_url), _one_pass(database_url))
            seconds = time.perf_counter() - started
            questions = await conn.fetchval(
                "SELECT count(*) FROM messages WHERE kind = 'follow_up' "
                "AND client_id = ANY ($1::uuid[])",
                clients,
            )
        finally:
            await conn.execute(
                "DELETE FROM messages WHERE kind = 'follow_up' AND client_id = ANY ($1::uuid[])",
                clients,
            )
            await conn.execute("DELETE FROM exits WHERE client_id = ANY ($1::uuid[])", clients)
    finally:
        await conn.close()
    return FollowUpPass(due=len(clients), asked=sum(asked), questions=questions, seconds=seconds)


def measure_follow_up_pass(database_url: str, due: int = DUE) -> FollowUpPass:
    return asyncio.run(_measure(database_url, due))
