"""EXPLAIN (ANALYZE, BUFFERS) of the heavy reads, statement by statement, as the API
runs them (issue 25): the stalled list, a plan, its GAS summary, the work list and the
NGO's outcome report, on the generated data.

    uv run python -m bench.explain [--clients 50000]

Each read is the service function its route calls, on one connection set up as the
API's (db.pool.connect), as the benchmark's user of that read. It runs six times to
warm the caches and settle the prepared statements' plans, then once with
PostgreSQL's auto_explain (analyze, buffers; nested statements off: inside PL/pgSQL
functions every statement would be logged and timed too, and they would look far
slower than they are), whose plans come back on the connection as notices. The plans
go to bench/results/explain-<clients>.md. The reads write their audit rows, as they do
in the API. The login must be allowed to LOAD auto_explain (a superuser, as the
embedded server's and the CI machine's are).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg

from bench import generate
from bench.generate_worklist import WORKLIST_TOKEN
from bench.run import RESULTS, ROOT, database_copy, prepare_database, servers
from bench.scenarios import Data, load_data
from db.pool import connect
from service.base.identity import Actor
from service.base.identity import queries as identity_queries
from service.base.tokens import digest
from service.coaching import plan_view
from service.composers.worklist import worklist
from service.referrals import stalled
from service.reports import outcomes

# PostgreSQL plans a prepared statement (also one inside a PL/pgSQL function) for its
# parameters on its first five runs before it settles, as a connection of the API's has.
WARM_RUNS = 6

Read = Callable[[asyncpg.Connection, Actor, Data], Awaitable[Any]]


@dataclass(frozen=True)
class HeavyRead:
    title: str
    token: str
    read: Read


HEAVY_READS = [
    HeavyRead(
        "GET /api/v1/referrals?stalled=true&limit=200 (a worker's 200 clients)",
        generate.WORKER_TOKEN,
        lambda conn, actor, data: stalled.stalled_paths(conn, actor, limit=200, cursor=None),
    ),
    HeavyRead(
        "GET /api/v1/plans/{id} (6 goals, 40 ratings)",
        generate.COACH_TOKEN,
        lambda conn, actor, data: plan_view.plans_together(conn, [(actor, data.coach_plans[0])]),
    ),
    HeavyRead(
        "GET /api/v1/plans/{id}/gas (6 goals, 40 ratings)",
        generate.COACH_TOKEN,
        lambda conn, actor, data: plan_view.gas_together(
            conn, [(actor, data.coach_plans[0], "staff")]
        ),
    ),
    HeavyRead(
        "GET /api/v1/me/worklist (a coach: 3 groups, 40 plans, 200 clients)",
        WORKLIST_TOKEN,
        lambda conn, actor, data: worklist.worklist(conn, actor, None, None),
    ),
    HeavyRead(
        "GET /api/v1/reports/outcomes (an NGO's year)",
        generate.ANALYST_TOKEN,
        lambda conn, actor, data: outcomes.outcomes(
            conn, actor, first_day=None, last_day=None, organisation_id=data.report_organisation
        ),
    ),
]


_DURATION = re.compile(r"duration: ([0-9.]+) ms")


@dataclass
class Explained:
    title: str
    seconds: float = 0.0
    plans: list[str] = field(default_factory=list)

    @property
    def database_ms(self) -> float:
        """The statements' time in the database, as auto_explain measured each."""
        return sum(float(m.group(1)) for p in self.plans if (m := _DURATION.search(p)))


async def _actor(conn: asyncpg.Connection, token: str) -> Actor:
    row = await identity_queries.actor_for_token(conn, token_hash=digest(token))
    assert row is not None, "the benchmark's token does not sign in: regenerate the data"
    return Actor.of_staff(row)


async def explain(url: str, data: Data) -> list[Explained]:
    conn = await connect(url)
    notices: list[str] = []
    conn.add_log_listener(lambda _conn, message: notices.append(message.message))
    try:
        found = []
        for heavy in HEAVY_READS:
            actor = await _actor(conn, heavy.token)
            for _ in range(WARM_RUNS):
                await heavy.read(conn, actor, data)
            await conn.execute(
                "LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; "
                "SET auto_explain.log_analyze = on; SET auto_explain.log_buffers = on; "
                "SET auto_explain.log_nested_statements = off; "
                "SET auto_explain.log_level = notice"
            )
            notices.clear()
            started = time.perf_counter()
            await heavy.read(conn, actor, data)
            seconds = time.perf_counter() - started
            await conn.execute("SET auto_explain.log_min_duration = -1")
            found.append(Explained(heavy.title, seconds, [n for n in notices if "plan:" in n]))
        return found
    finally:
        await conn.close()


def markdown(clients: int, found: list[Explained]) -> str:
    lines = [
        f"# The heavy reads explained, {clients:,} clients",
        "",
        "Written by `uv run python -m bench.explain --clients "
        f'{clients}` (see bench/README, "The heavy reads, explained"): every statement of '
        "one read, warm, with `EXPLAIN (ANALYZE, BUFFERS)` through auto_explain.",
        "",
    ]
    for read in found:
        lines += [
            f"## {read.title}",
            "",
            f"{len(read.plans)} statements, {read.database_ms:.1f} ms in the database, "
            f"{read.seconds * 1000:.1f} ms for the read on one connection.",
            "",
        ]
        for plan in read.plans:
            lines += ["```", plan.strip(), "```", ""]
    return "\n".join(lines)


async def main_async(clients: int, data_dir: str) -> None:
    with contextlib.ExitStack() as stack:
        server_url, _redis_url = servers(stack, data_dir)
        generated, _seconds = await prepare_database(server_url, clients)
        # On a copy, as bench.run measures: the reads' audit rows stay out of the template.
        async with database_copy(server_url, generated, f"polku_bench_{clients}_explain") as url:
            data = await load_data(url)
            found = await explain(url, data)
    path = RESULTS / f"explain-{clients}.md"
    path.write_text(markdown(clients, found))
    for read in found:
        print(f"{read.title}: {len(read.plans)} statements, {read.database_ms:.1f} ms")
    print(f"plans in {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--data-dir", default=str(ROOT / ".data"))
    args = parser.parse_args()
    asyncio.run(main_async(args.clients, args.data_dir))


if __name__ == "__main__":
    main()
