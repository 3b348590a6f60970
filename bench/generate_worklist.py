"""A coach's day as issue 22 sizes it, for the work-list benchmark: three running groups,
forty plans and two hundred clients she is the responsible worker of. She joins three
of the benchmark coach's running groups and forty of its plans as a second coach, and
takes on their clients and others of her organisation up to two hundred. The benchmark
coach, who runs a hundred groups for the attendance benchmark, is no one's typical day.

Same sizes at every scale, as for the other people the benchmarks read as."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import asyncpg

from bench.region import Region, new_id
from service.base.tokens import digest

GROUPS, PLANS, CLIENTS = 3, 40, 200
WORKLIST_TOKEN = "polku_bench-worklist-token-00000000000000000000000"

_COACH = """
INSERT INTO staff (id, organisation_id, email, name, phone, password_hash, roles, active,
                   created_at)
SELECT $2, organisation_id, 'worklist.coach@bench.example', 'Wilma Työlista', phone,
       password_hash, roles, true, now()
FROM staff WHERE id = $1
"""
_GROUPS = """
INSERT INTO programme_staff (programme_id, staff_id, role)
SELECT p.id, $2, 'facilitator'
FROM programme_staff ps JOIN programmes p ON p.id = ps.programme_id
WHERE ps.staff_id = $1 AND ps.role = 'facilitator'
  AND p.starts_at < now() AND p.ends_at > now() AND p.cancelled_at IS NULL
ORDER BY p.id
LIMIT $3
"""
_PLANS = """
INSERT INTO plan_coaches (plan_id, staff_id)
SELECT plan_id, $2 FROM plan_coaches WHERE staff_id = $1 ORDER BY plan_id LIMIT $3
"""
# Her groups' and plans' clients first, then others her organisation works with: its
# own, or another's who consented to sharing with it (she could not reach the rest).
_CLIENTS = """
INSERT INTO client_workers (client_id, staff_id)
SELECT client_id, $1 FROM (
    SELECT client_id, 0 AS rank FROM enrolments e
    JOIN programme_staff ps ON ps.programme_id = e.programme_id
    WHERE ps.staff_id = $1 AND ps.role = 'facilitator' AND e.status = 'enrolled'
    UNION
    SELECT p.client_id, 0 FROM plans p JOIN plan_coaches pc ON pc.plan_id = p.id
    WHERE pc.staff_id = $1
    UNION
    SELECT c.id, 1 FROM clients c JOIN staff s ON s.organisation_id = c.organisation_id
    WHERE s.id = $1
    UNION
    SELECT k.client_id, 2 FROM consents k
    JOIN staff s ON s.organisation_id = ANY (k.organisation_ids)
    WHERE s.id = $1 AND k.purpose = 'data_sharing' AND k.revoked_at IS NULL
) AS candidates
GROUP BY client_id
ORDER BY min(rank), client_id
LIMIT $2
ON CONFLICT DO NOTHING
"""


async def generate_worklist_coach(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    coach = new_id()
    await conn.execute(_COACH, region.bench_coach, coach)
    await conn.execute(
        "INSERT INTO access_tokens (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
        digest(WORKLIST_TOKEN),
        coach,
        datetime.now(UTC) + timedelta(days=365),
    )
    await conn.execute(_GROUPS, region.bench_coach, coach, GROUPS)
    await conn.execute(_PLANS, region.bench_coach, coach, PLANS)
    await conn.execute(_CLIENTS, coach, CLIENTS)
