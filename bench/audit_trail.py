"""The audit trail at scale (issue 25): what a client's reads cost when the trail holds two
years of everyone's reads, against the trail as generated, side by side.

    uv run python -m bench.audit_trail [--clients 50000] [--rows-per-client 400]

Two copies of the generated database: one as generated (a few thousand audit rows), one
whose trail also holds `rows-per-client × clients` reads of other clients spread over the
last 24 months, this one included (400 per client: 200 million at 500,000 clients). A
server on each; every scenario measured on both in alternating rounds, so a busy moment
of the machine weighs on both sides alike. Budget: each within 1.2× (throughput and p99,
the export's median), the trail's size notwithstanding.

  client_read   GET /api/v1/clients/{id}, the worker's 200 clients: writes a row
  audit_list    GET /api/v1/clients/{id}/audit, an admin's first page of a client's trail
  my_data       GET /p/{token}/my-data.json, the client's own data and who has read it
  export        GET /api/v1/clients/{id}/export, one at a time (its 5,000 audit rows)

Each filled month is detached, loaded without its indexes, indexed again as it was and
attached back (as a restore of a month would be): loading 200 million rows through the
live indexes would take hours. The copies are dropped at the end unless --keep.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx

from bench import export, generate
from bench.generate_page import PAGE_TOKEN
from bench.load import Measurement, Request, wrk_path
from bench.run import (
    RESULTS,
    ROOT,
    Target,
    alternate,
    bench_server,
    copy_database,
    drop_database_now,
    prepare_database,
    servers,
)
from bench.scenarios import DEFAULT_CONNECTIONS, load_data
from db.pool import connect
from service.base.tokens import digest

BUDGET_RATIO = 1.2
MONTHS = 24
PAGE_SESSION = "pps_bench-page-session-000000000000000000000000"
# How often each kind of event is written, as the API writes them: most are reads.
ACTIONS = ["client.read"] * 6 + ["plan.read"] * 2 + ["client.update", "attendance.record"]


@dataclass
class Compared:
    name: str
    empty: list[Measurement]
    full: list[Measurement]

    def ratio(self) -> tuple[float, float]:
        """Throughput as generated over filled, and p99 filled over as generated: > 1 is
        the filled trail slower, in each."""
        rps = statistics.median(e.rps / f.rps for e, f in zip(self.empty, self.full, strict=True))
        p99 = statistics.median(
            f.p99_ms / e.p99_ms for e, f in zip(self.empty, self.full, strict=True)
        )
        return rps, p99


def _month_starts(today: date) -> list[date]:
    first = date(today.year, today.month, 1)
    months = [first]
    while len(months) < MONTHS:
        previous = months[-1] - timedelta(days=1)
        months.append(date(previous.year, previous.month, 1))
    return sorted(months)


def _next_month(month: date) -> date:
    return date(month.year + month.month // 12, month.month % 12 + 1, 1)


_FILL = """
INSERT INTO {table} (id, occurred_at, actor_id, action, client_id, outcome, request_id)
OVERRIDING SYSTEM VALUE
SELECT $1::bigint + n,
       $2::timestamptz + (n::double precision / $3) * ($4::timestamptz - $2::timestamptz),
       ($6::uuid[])[(1 + (n * 40503) % cardinality($6::uuid[]))::int],
       ($7::text[])[(1 + n % cardinality($7::text[]))::int],
       ($5::uuid[])[(1 + (n * 2654435761) % cardinality($5::uuid[]))::int],
       'ok',
       'bench-' || n
FROM generate_series(0::bigint, $3::bigint - 1) AS n
"""
# A month's own indexes (its primary key is a constraint), as the migration made them.
_INDEXES = """
SELECT c.conname AS constraint_name, i.indexrelid::regclass::text AS index_name,
       CASE WHEN c.oid IS NULL THEN pg_get_indexdef(i.indexrelid)
            ELSE pg_get_constraintdef(c.oid) END AS definition
FROM pg_index i LEFT JOIN pg_constraint c ON c.conindid = i.indexrelid
WHERE i.indrelid = $1::regclass
"""


async def _fill_month(
    conn: asyncpg.Connection,
    month: date,
    first_id: int,
    rows: int,
    clients: list[str],
    staff: list[str],
) -> None:
    """One month of the trail with `rows` more reads: detached, its indexes dropped,
    filled, indexed again as they were and attached back, as a month restored from an
    archive would be. Its rights and its truncate trigger stay with it."""
    name = f"audit_events_{month:%Y_%m}"
    start = datetime(month.year, month.month, 1, tzinfo=UTC)
    end = min(datetime.combine(_next_month(month), datetime.min.time(), UTC), datetime.now(UTC))
    bounds = await conn.fetchval(
        "SELECT pg_get_expr(relpartbound, oid) FROM pg_class WHERE relname = $1", name
    )
    indexes = await conn.fetch(_INDEXES, name)
    await conn.execute("SET maintenance_work_mem = '1GB'")
    await conn.execute(f"ALTER TABLE audit_events DETACH PARTITION {name}")
    for index in indexes:
        if index["constraint_name"]:
            await conn.execute(f"ALTER TABLE {name} DROP CONSTRAINT {index['constraint_name']}")
        else:
            await conn.execute(f"DROP INDEX {index['index_name']}")
    await conn.execute(
        _FILL.format(table=name), first_id, start, rows, end, clients, staff, ACTIONS
    )
    for index in indexes:
        if index["constraint_name"]:
            await conn.execute(
                f"ALTER TABLE {name} ADD CONSTRAINT {index['constraint_name']} "
                f"{index['definition']}"
            )
        else:
            await conn.execute(index["definition"])
    await conn.execute(f"ALTER TABLE audit_events ATTACH PARTITION {name} {bounds}")
    await conn.execute(f"ANALYZE {name}")


async def fill_trail(url: str, rows: int, spared: list[str]) -> float:
    """`rows` reads of clients other than `spared`, spread evenly over the last 24
    months by their length (this month up to now); the seconds it took."""
    started = datetime.now(UTC)
    owner = await connect(url)
    try:
        clients = [
            str(r[0])
            for r in await owner.fetch(
                "SELECT id FROM clients WHERE id <> ALL($1::uuid[]) ORDER BY id", spared
            )
        ]
        staff = [str(r[0]) for r in await owner.fetch("SELECT id FROM staff ORDER BY id")]
        months = _month_starts(started.date())
        await owner.execute("SELECT create_audit_months($1, $2)", months[0], months[-1])
        lengths = [
            (min(datetime.combine(_next_month(m), datetime.min.time(), UTC), started)
             - datetime.combine(m, datetime.min.time(), UTC)).total_seconds()
            for m in months
        ]  # fmt: skip
        shares = [round(rows * length / sum(lengths)) for length in lengths]
        # Ids after every row there is, reserved at once; each month takes its block.
        sequence = "pg_get_serial_sequence('audit_events', 'id')"
        last = await owner.fetchval(f"SELECT nextval({sequence})")
        await owner.execute(f"SELECT setval({sequence}, $1)", last + sum(shares) + 1)
    finally:
        await owner.close()
    blocks, first = [], last + 1
    for month, share in zip(months, shares, strict=True):
        blocks.append((month, first, share))
        first += share
    queue: asyncio.Queue[tuple[date, int, int]] = asyncio.Queue()
    for block in blocks:
        queue.put_nowait(block)

    async def builder() -> None:
        conn = await connect(url)
        try:
            while not queue.empty():
                month, first_id, share = queue.get_nowait()
                await _fill_month(conn, month, first_id, share, clients, staff)
                print(f"    {month:%Y-%m}: {share:,} rows", flush=True)
        finally:
            await conn.close()

    await asyncio.gather(*(builder() for _ in range(os.cpu_count() or 2)))
    return (datetime.now(UTC) - started).total_seconds()


async def _page_session(url: str) -> str:
    """A personal session on the page client's link that outlives the run: my-data.json
    opens only with one (a right code opens fifteen minutes)."""
    conn = await asyncpg.connect(url)
    try:
        link = await conn.fetchrow(
            "SELECT id, client_id FROM client_page_links WHERE token_hash = $1",
            digest(PAGE_TOKEN),
        )
        assert link is not None, "the page client's link is missing: regenerate the data"
        await conn.execute(
            "INSERT INTO client_page_sessions (link_id, secret_hash, created_at, expires_at) "
            "VALUES ($1, $2, now(), now() + interval '1 day') "
            "ON CONFLICT (secret_hash) DO UPDATE SET expires_at = excluded.expires_at",
            link["id"],
            digest(PAGE_SESSION),
        )
        return str(link["client_id"])
    finally:
        await conn.close()


def _export_times(base: str, client_id: str, times: int) -> list[float]:
    with httpx.Client(
        base_url=base, headers={"Authorization": f"Bearer {export.TOKEN}"}, timeout=60
    ) as http:
        return export.timed(http, f"/api/v1/clients/{client_id}/export", times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--rows-per-client", type=int, default=400)
    parser.add_argument("--seconds", type=int, default=5, help="measuring time per round")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--keep", action="store_true", help="keep the two copies")
    parser.add_argument("--data-dir", default=str(ROOT / ".data"))
    args = parser.parse_args()
    wrk_path()
    rows = args.rows_per_client * args.clients
    with contextlib.ExitStack() as stack:
        database_url, redis_url = servers(stack, args.data_dir)
        url, _ = asyncio.run(prepare_database(database_url, args.clients))
        export_client = asyncio.run(export._seed(url))
        page_client = asyncio.run(_page_session(url))
        names = (f"polku_bench_{args.clients}_trail", f"polku_bench_{args.clients}_trail_filled")
        empty_url = asyncio.run(copy_database(database_url, url, names[0]))
        full_url = asyncio.run(copy_database(database_url, url, names[1]))
        if not args.keep:
            for name in names:
                stack.callback(drop_database_now, database_url, name)
        print(f"filling {rows:,} audit rows into {names[1]}", flush=True)
        seconds = asyncio.run(fill_trail(full_url, rows, [export_client, page_client]))
        print(f"filled in {seconds:.0f} s", flush=True)

        data = asyncio.run(load_data(url))
        scenarios = {
            "client_read": (
                [Request("GET", f"/api/v1/clients/{c}") for c in data.worker_clients],
                {"Authorization": f"Bearer {generate.WORKER_TOKEN}"},
            ),
            "audit_list": (
                [Request("GET", f"/api/v1/clients/{export_client}/audit")],
                {"Authorization": f"Bearer {export.TOKEN}"},
            ),
            "my_data": (
                [Request("GET", f"/p/{PAGE_TOKEN}/my-data.json")],
                {"Cookie": f"polku_page={PAGE_SESSION}"},
            ),
        }
        bases = []
        for server_database in (empty_url, full_url):
            base, _memory = stack.enter_context(bench_server(server_database, redis_url))
            bases.append(base)
        compared = []
        for name, (requests, headers) in scenarios.items():
            print(f"  {name}", flush=True)
            empty, full = alternate(
                [Target(base, requests, headers) for base in bases],
                DEFAULT_CONNECTIONS,
                args.seconds,
                args.rounds,
            )
            compared.append(Compared(name, empty, full))
        exports: list[list[float]] = [[], []]
        for _ in range(args.rounds):
            for index, base in enumerate(bases):
                exports[index] += _export_times(base, export_client, 10)
    report(args.clients, rows, seconds, compared, exports)


def report(
    clients: int,
    rows: int,
    seconds: float,
    compared: list[Compared],
    exports: list[list[float]],
) -> None:
    lines = [
        f"# The audit trail at {clients:,} clients: as generated vs {rows:,} more rows",
        "",
        f"Filled in {seconds:.0f} s. Medians of alternating rounds; budget: within "
        f"{BUDGET_RATIO}×.",
        "",
        "| scenario | rps as generated | rps filled | p99 as generated | p99 filled "
        "| slower by (rps / p99) | within |",
        "|---|---|---|---|---|---|---|",
    ]
    results = []
    for item in compared:
        rps_ratio, p99_ratio = item.ratio()
        empty = statistics.median(m.rps for m in item.empty)
        full = statistics.median(m.rps for m in item.full)
        empty_p99 = statistics.median(m.p99_ms for m in item.empty)
        full_p99 = statistics.median(m.p99_ms for m in item.full)
        failures = sum(m.failures for m in item.empty + item.full)
        within = max(rps_ratio, p99_ratio) <= BUDGET_RATIO and not failures
        lines.append(
            f"| {item.name} | {empty:.0f} | {full:.0f} | {empty_p99:.0f} ms | {full_p99:.0f} ms "
            f"| {rps_ratio:.2f}× / {p99_ratio:.2f}× | {'yes' if within else 'NO'} |"
            + (f" {failures} requests failed |" if failures else "")
        )
        results.append(
            {"scenario": item.name, "rps": [empty, full], "p99_ms": [empty_p99, full_p99],
             "ratios": [rps_ratio, p99_ratio], "failures": failures, "within": within}
        )  # fmt: skip
    medians = [statistics.median(times) for times in exports]
    export_ratio = medians[1] / medians[0]
    lines.append(
        f"| export (one at a time, median) | {medians[0]:.0f} ms | {medians[1]:.0f} ms | | "
        f"| {export_ratio:.2f}× | {'yes' if export_ratio <= BUDGET_RATIO else 'NO'} |"
    )
    results.append(
        {"scenario": "export", "median_ms": medians, "ratios": [export_ratio],
         "within": export_ratio <= BUDGET_RATIO}
    )  # fmt: skip
    table = "\n".join(lines)
    print()
    print(table)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "audit_trail.md").write_text(table + "\n")
    (RESULTS / "audit_trail.json").write_text(
        json.dumps({"clients": clients, "rows": rows, "seconds": seconds, "scenarios": results},
                   indent=2) + "\n"
    )  # fmt: skip


if __name__ == "__main__":
    main()
