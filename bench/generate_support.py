"""Participant support as a region hands it out: at every session held, a meal for most
who came in person and a bus ticket (there and back) for about a third of them, given
by the group's first facilitator as the session began. What the support report sums.

INSERT … SELECT from the attendance already generated, like generate_activity."""

from __future__ import annotations

import random

import asyncpg

from bench.region import Region

SUPPORT = """
WITH present AS (
    SELECT s.id AS session_id, s.programme_id, s.starts_at, a.client_id, a.recorded_by,
           random() AS roll
    FROM attendance a
    JOIN sessions s ON s.id = a.session_id
    WHERE a.status = 'present'
)
INSERT INTO participant_support (programme_id, session_id, client_id, kind, amount_eur,
                                 given_by, given_at)
SELECT programme_id, session_id, client_id, 'meal', 6.50, recorded_by,
       starts_at + interval '1 hour'
FROM present WHERE roll < 0.7 AND recorded_by IS NOT NULL
UNION ALL
SELECT programme_id, session_id, client_id, 'bus_ticket', 6.40, recorded_by,
       starts_at - interval '10 minutes'
FROM present WHERE roll > 0.67 AND recorded_by IS NOT NULL
"""


async def generate_support(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    await conn.execute("SELECT setseed($1)", rng.random() * 2 - 1)
    await conn.execute(SUPPORT)
