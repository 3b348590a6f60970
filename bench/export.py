"""The export of one client with two years of history (issue 21's budget): a group
programme, a plan with 6 goals and 40 ratings, 10 referrals with their history, 200
messages and 5,000 audit rows, on the generated data of 50,000 clients, answered by the
API as production runs it, one request at a time. Budget: under 500 ms.

    uv run python -m bench.export [--clients 50000] [--times 20]

The client is added once (surname Vientitesti) and kept, like the generated data: audit
rows cannot be deleted. Its exports add audit rows of their own, a few per run."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import time
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx

from bench.run import ROOT, bench_server, prepare_database, servers
from service.base.tokens import digest

BUDGET_MS = 500
SURNAME = "Vientitesti"
TOKEN = "polku_bench-export-admin-token-00000000000000000000"


async def _seed(url: str) -> str:
    """The client with two years of history (made once), and the exporting admin's token."""
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            return await _seed_in(conn)
    finally:
        await conn.close()


async def _seed_in(conn: asyncpg.Connection) -> str:
    programme = await conn.fetchrow(
        "SELECT p.id, p.organisation_id FROM programmes p "
        "WHERE EXISTS (SELECT FROM staff s WHERE s.organisation_id = p.organisation_id "
        "AND 'admin' = ANY (s.roles) AND s.active) ORDER BY p.starts_at LIMIT 1"
    )
    assert programme is not None, "no programme with an admin: regenerate the data"
    organisation = programme["organisation_id"]
    admin = await conn.fetchval(
        "SELECT id FROM staff WHERE organisation_id = $1 AND 'admin' = ANY (roles) AND active "
        "ORDER BY id LIMIT 1",
        organisation,
    )
    await conn.execute(
        "INSERT INTO access_tokens (token_hash, staff_id, expires_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (token_hash) DO UPDATE SET staff_id = $2, expires_at = $3",
        digest(TOKEN),
        admin,
        datetime.now(UTC) + timedelta(days=1),
    )
    found = await conn.fetchval("SELECT id FROM clients WHERE last_name = $1", SURNAME)
    if found is not None:
        return str(found)
    staff = [
        row[0]
        for row in await conn.fetch(
            "SELECT id FROM staff WHERE organisation_id = $1 ORDER BY id LIMIT 5", organisation
        )
    ]
    two_years_ago = datetime.now(UTC) - timedelta(days=730)
    client = await conn.fetchval(
        "INSERT INTO clients (organisation_id, first_name, last_name, email, phone, created_by, "
        "created_at) VALUES ($1, 'Viivi', $2, 'viivi@example.org', '040 555 0101', $3, $4) "
        "RETURNING id",
        organisation,
        SURNAME,
        admin,
        two_years_ago,
    )
    await conn.execute(
        "INSERT INTO client_workers (client_id, staff_id) VALUES ($1, $2)", client, admin
    )
    for purpose in ("email_reminders", "sms_reminders", "calendar_feed", "client_page"):
        await conn.execute(
            "INSERT INTO consents (client_id, purpose, recorded_by, given_at) "
            "VALUES ($1, $2, $3, $4)",
            client,
            purpose,
            admin,
            two_years_ago,
        )
    await conn.execute(
        "INSERT INTO enrolments (programme_id, client_id, status, enrolled_at) "
        "VALUES ($1, $2, 'enrolled', now())",
        programme["id"],
        client,
    )
    await conn.execute(
        "INSERT INTO attendance (session_id, client_id, status, recorded_by) "
        "SELECT id, $2, 'present', $3 FROM sessions WHERE programme_id = $1",
        programme["id"],
        client,
        admin,
    )
    plan = await conn.fetchval(
        "INSERT INTO plans (client_id, kind, starts_on, created_by) "
        "VALUES ($1, 'goal_coaching', current_date - 700, $2) RETURNING id",
        client,
        admin,
    )
    await conn.execute("INSERT INTO plan_coaches VALUES ($1, $2)", plan, admin)
    levels = '{"-2": "a", "-1": "b", "0": "c", "1": "d", "2": "e"}'
    for position in range(6):
        goal = await conn.fetchval(
            "INSERT INTO goals (plan_id, position, title, baseline, levels) "
            "VALUES ($1, $2, $3, -1, $4::jsonb) RETURNING id",
            plan,
            position,
            f"Tavoite {position + 1}",
            levels,
        )
        ratings = 7 if position < 4 else 6  # forty in all
        await conn.execute(
            "INSERT INTO goal_ratings (goal_id, level, rated_on, rated_by) "
            "SELECT $1, (n % 5) - 2, current_date - 700 + n * 90, $2 "
            "FROM generate_series(1, $3) AS n",
            goal,
            admin,
            ratings,
        )
    await conn.execute(
        "INSERT INTO meetings (plan_id, starts_at, ends_at) "
        "SELECT $1, now() - n * interval '30 days', now() - n * interval '30 days' + "
        "interval '1 hour' FROM generate_series(1, 20) AS n",
        plan,
    )
    services = [
        row[0] for row in await conn.fetch("SELECT id, organisation_id FROM services LIMIT 10")
    ]
    for number, service in enumerate(services):
        referral = await conn.fetchval(
            "INSERT INTO referrals (client_id, service_id, from_organisation_id, "
            "to_organisation_id, referred_by, reason, status, created_at) "
            "SELECT $1, $2, $3, s.organisation_id, $4, 'Tarve', "
            "CASE WHEN $5 = 0 THEN 'received' ELSE 'completed' END, "
            "now() - $5 * interval '60 days' "
            "FROM services s WHERE s.id = $2 RETURNING id",
            client,
            service,
            organisation,
            admin,
            number,
        )
        await conn.execute(
            "INSERT INTO referral_events (referral_id, actor_id, from_status, to_status) "
            "VALUES ($1, $2, NULL, 'requested'), ($1, $2, 'requested', 'received'), "
            "($1, $2, 'received', 'accepted')",
            referral,
            admin,
        )
    await conn.execute(
        "INSERT INTO messages (client_id, kind, channel, programme_id, scheduled_for, status, "
        "sent_at) SELECT $1, 'reminder', CASE WHEN n % 2 = 0 THEN 'sms' ELSE 'email' END, $2, "
        "now() - n * interval '3 days', 'sent', now() - n * interval '3 days' "
        "FROM generate_series(1, 200) AS n",
        client,
        programme["id"],
    )
    await conn.execute(
        "INSERT INTO audit_events (occurred_at, actor_id, action, client_id, request_id) "
        "SELECT now() - n * interval '3 hours', ($3::uuid[])[1 + n % cardinality($3::uuid[])], "
        "CASE WHEN n % 3 = 0 THEN 'plan.read' ELSE 'client.read' END, $1, $2 || n "
        "FROM generate_series(1, 5000) AS n",
        client,
        "bench-",
        staff,
    )
    await conn.execute("ANALYZE")
    return str(client)


def timed(client: httpx.Client, path: str, times: int) -> list[float]:
    for _ in range(3):  # warm: the first requests load templates and prepare statements
        client.get(path).raise_for_status()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--data-dir", default=str(ROOT / ".data"))
    args = parser.parse_args()
    with contextlib.ExitStack() as stack:
        database_url, redis_url = servers(stack, args.data_dir)
        url, _ = asyncio.run(prepare_database(database_url, args.clients))
        client_id = asyncio.run(_seed(url))
        base, _memory = stack.enter_context(bench_server(url, redis_url))
        headers = {"Authorization": f"Bearer {TOKEN}"}
        with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
            size = len(http.get(f"/api/v1/clients/{client_id}/export").content)
            for label, query in (("json", ""), ("html", "?format=html")):
                spent = timed(http, f"/api/v1/clients/{client_id}/export{query}", args.times)
                median = statistics.median(spent)
                verdict = "within" if median < BUDGET_MS else "OVER"
                print(
                    f"export {label} at {args.clients:,} clients: median {median:.0f} ms, "
                    f"slowest {max(spent):.0f} ms of {args.times} ({verdict} the "
                    f"{BUDGET_MS} ms budget); the JSON is {size / 1024:.0f} kB"
                )


if __name__ == "__main__":
    main()
