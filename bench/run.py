"""One command for the benchmark suite: generate data, start a fresh server on it,
drive every scenario with wrk beside its floor, and print one table.

    uv run python -m bench.run                 # 50,000 clients, every scenario
    uv run python -m bench.run --clients 5000 --seconds 5 --only client_read

Results go to bench/results/latest.json and latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import io
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any, cast
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import psutil

from bench import generate
from bench.delivery import Delivery, measure_delivery
from bench.follow_up_pass import FollowUpPass, measure_follow_up_pass
from bench.load import Measurement, Request, measure, wrk_path
from bench.peers import radicale
from bench.scenarios import DEFAULT_CONNECTIONS, SCENARIOS, Data, Scenario, load_data
from db.embedded import EmbeddedServers
from db.migrate import migrate
from db.pool import connect

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
# The API servers' log lines (bench/.data is ignored by git).
LOGS = ROOT / ".data" / "logs"


@dataclass
class Row:
    scenario: Scenario
    clients: int
    result: Measurement
    floor: Measurement | None = None
    peer: Measurement | None = None
    # Throughput over the floor's or the peer's: the median of each round's ratio, so a
    # moment the shared machine was busy weighs on both sides of it alike.
    floor_ratio: float | None = None
    peer_ratio: float | None = None
    scale_ratio: float | None = None
    scale_p99_ratio: float | None = None
    # p99 over p50: the median of each round's own, as the ratios above.
    tail_ratio: float | None = None
    # The most of the machine's CPU time the hypervisor took in one of its rounds.
    stolen: float | None = None
    rounds: list[Measurement] = field(default_factory=list)
    worker_peak_mb: float | None = None
    checks: list[tuple[str, bool]] = field(default_factory=list)


# Servers and data ---------------------------------------------------------------


def _with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def servers(stack: contextlib.ExitStack, data_dir: str) -> tuple[str, str]:
    """The servers' URLs: DATABASE_URL and REDIS_URL when both are set, else embedded
    servers in `data_dir`, stopped when `stack` closes."""
    database_url, redis_url = os.environ.get("DATABASE_URL"), os.environ.get("REDIS_URL")
    if database_url and redis_url:
        return database_url, redis_url
    urls = stack.enter_context(EmbeddedServers(Path(data_dir)))
    return urls.database_url, urls.redis_url


async def copy_database(server_url: str, source_url: str, name: str) -> str:
    """A fresh copy of the database at `source_url` (nobody connected to it), named
    `name`, for a run that changes what it measures on; its URL."""
    admin = await connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        source = urlsplit(source_url).path.lstrip("/")
        # FILE_COPY: a checkpoint and a file copy, not the whole database through WAL.
        await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    finally:
        await admin.close()
    return _with_database(server_url, name)


@contextlib.asynccontextmanager
async def database_copy(server_url: str, source_url: str, name: str) -> AsyncIterator[str]:
    """A fresh copy of `source_url` for the block (its URL), dropped after it."""
    url = await copy_database(server_url, source_url, name)
    try:
        yield url
    finally:
        await drop_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    admin = await connect(server_url)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def drop_database_now(server_url: str, name: str) -> None:
    """drop_database outside an event loop (an exit callback)."""
    asyncio.run(drop_database(server_url, name))


async def prepare_database(server_url: str, clients: int) -> tuple[str, float]:
    """A migrated database holding exactly this scale of generated data (made once), and
    how many seconds generating it took."""
    name = f"polku_bench_{clients}"
    url = _with_database(server_url, name)
    admin = await connect(server_url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            conn = await asyncpg.connect(url)
            try:
                meta = await conn.fetchrow("SELECT clients, version, seconds FROM bench_meta")
            except asyncpg.PostgresError:  # no such table or column: made by older code
                meta = None
            finally:
                await conn.close()
            ready = meta is not None and (meta["clients"], meta["version"]) == (
                clients,
                generate.GENERATOR_VERSION,
            )
            if ready:
                owner = await connect(url)
                try:
                    if await migrate(owner):  # new migrations: regenerate from scratch
                        ready = False
                finally:
                    await owner.close()
            if ready and meta is not None:
                return url, float(meta["seconds"])
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    owner = await connect(url)
    try:
        await migrate(owner)
    finally:
        await owner.close()
    print(f"generating {clients:,} clients into {name}", flush=True)
    started = time.monotonic()
    conn = await asyncpg.connect(url)
    try:
        await generate.generate(conn, clients)
        seconds = time.monotonic() - started
        await conn.execute(
            "CREATE TABLE bench_meta (clients int NOT NULL, version text NOT NULL, "
            "seconds double precision NOT NULL)"
        )
        await conn.execute(
            "INSERT INTO bench_meta VALUES ($1, $2, $3)",
            clients,
            generate.GENERATOR_VERSION,
            seconds,
        )
    finally:
        await conn.close()
    print(f"generated in {seconds:.1f} s", flush=True)
    return url, seconds


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PeakMemory:
    """Samples the resident memory of a process and its children."""

    def __init__(self, pid: int) -> None:
        self.peak_mb = 0.0
        self._process = psutil.Process(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            with contextlib.suppress(psutil.Error):
                processes = [self._process, *self._process.children(recursive=True)]
                rss = sum(p.memory_info().rss for p in processes)
                self.peak_mb = max(self.peak_mb, rss / 2**20)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak_mb


def _copy_lines(source: IO[bytes], path: Path) -> None:
    with path.open("wb") as kept:
        while chunk := cast(io.BufferedReader, source).read1(1 << 16):
            kept.write(chunk)


@contextlib.contextmanager
def bench_server(
    database_url: str, redis_url: str, workers: int = 1, *, observed: bool = True
) -> Iterator[tuple[str, PeakMemory]]:
    """The API as production runs it: a JSON access line per request and the metrics,
    unless `observed` is false, when both are off. Its standard error is a pipe, as
    under a container runtime, whose log driver here is a thread copying the lines to
    a file in bench/.data/logs."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SMS_INBOUND_SECRET": generate.SMS_INBOUND_SECRET,
        "POLKU_LOG_LEVEL": "INFO",
        "POLKU_LOG_FORMAT": "json",
        "POLKU_ACCESS_LOG": str(observed).lower(),
        "POLKU_METRICS": str(observed).lower(),
    }
    command = [sys.executable, "-m", "bench.server", "--port", str(port), "--workers", str(workers)]
    LOGS.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE)
    assert process.stderr is not None
    log_driver = threading.Thread(
        target=_copy_lines, args=(process.stderr, LOGS / f"api-{port}.log"), daemon=True
    )
    log_driver.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{base}/health").status_code == 200:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("bench: the server did not become healthy")
            time.sleep(0.1)
        memory = PeakMemory(process.pid)
        yield base, memory
    finally:
        process.terminate()
        process.wait(15)
        log_driver.join(15)


# Running and reporting ------------------------------------------------------------


def _median(measurements: list[Measurement]) -> Measurement:
    ordered = sorted(measurements, key=lambda m: m.rps)
    return ordered[len(ordered) // 2]


@dataclass(frozen=True)
class Target:
    """Something to measure: a base URL, its requests (or how to make new ones for each
    run, when a request may be answered only once) and headers."""

    base: str
    requests: list[Request] | Callable[[], list[Request]]
    headers: dict[str, str]

    def measure(self, connections: int, seconds: int) -> Measurement:
        requests = self.requests() if callable(self.requests) else self.requests
        return measure(self.base, requests, self.headers, connections=connections, seconds=seconds)


def alternate(
    targets: list[Target], connections: int, seconds: int, rounds: int
) -> list[list[Measurement]]:
    """Measure each target in turn, `rounds` times; the median of each. Alternating keeps a
    noisy moment on a shared machine from favouring one of them."""
    for target in targets:
        target.measure(connections, 2)  # warm-up
    runs: list[list[Measurement]] = [[] for _ in targets]
    for _ in range(rounds):
        for index, target in enumerate(targets):
            runs[index].append(target.measure(connections, seconds))
    return runs


def _paired_ratio(runs: list[Measurement], others: list[Measurement]) -> float:
    """The median over rounds of one target's throughput over another's in that round."""
    return statistics.median(a.rps / b.rps for a, b in zip(runs, others, strict=True))


def _ratio_check(label: str, ratio: float, least: float | None) -> list[tuple[str, bool]]:
    if least is None:
        return []
    return [(f"≥ {least:.0%} of {label} ({ratio:.1%})", ratio >= least)]


@dataclass(frozen=True)
class Server:
    """A running API on the data of one scale."""

    clients: int
    base: str
    data: Data
    database_url: str
    redis_url: str


# Issue 25: a read's slowest answers at most this many times its median.
TAIL_MAX_RATIO = 4.0


def measure_scenarios(
    servers: list[Server], scenarios: list[Scenario], seconds: int, rounds: int
) -> list[Row]:
    """Each scenario on every scale, with its floor and peer, in alternating rounds: the
    scales are compared under the same conditions, not minutes apart."""
    rows = []
    for scenario in (s for s in scenarios if s.kind == "http"):
        reads = not scenario.fresh_requests and all(
            r.method == "GET" for r in scenario.requests(servers[-1].data)
        )
        headers = {"Authorization": f"Bearer {scenario.token}", "Content-Type": "application/json"}
        targets: list[Target] = []
        slots: list[tuple[Server, int, int | None]] = []
        with contextlib.ExitStack() as stack:
            for server in servers[-1:] if scenario.largest_only else servers:
                base = server.base
                if scenario.peer == "unobserved":
                    # Against a fresh unobserved app, a fresh observed one: the long-running
                    # server carries every earlier scenario's caches and heap (more for the
                    # garbage collector to walk), which is not what observing costs.
                    base, _ = stack.enter_context(
                        bench_server(server.database_url, server.redis_url, observed=True)
                    )
                real = len(targets)
                requests = (
                    functools.partial(scenario.requests, server.data)
                    if scenario.fresh_requests
                    else scenario.requests(server.data)
                )
                targets.append(Target(base, requests, headers))
                floor = None
                if scenario.floor is not None:
                    floor = len(targets)
                    targets.append(Target(base, scenario.floor(server.data), headers))
                slots.append((server, real, floor))
            peer = None
            if scenario.peer == "radicale":
                largest = servers[-1]
                path = scenario.requests(largest.data)[0].path
                calendar = httpx.get(largest.base + path).content
                peer = len(targets)
                targets.append(Target(*stack.enter_context(radicale(calendar))))
            elif scenario.peer == "unobserved":
                largest = servers[-1]
                base, _ = stack.enter_context(
                    bench_server(largest.database_url, largest.redis_url, observed=False)
                )
                peer = len(targets)
                targets.append(Target(base, scenario.requests(largest.data), headers))
            runs = alternate(targets, scenario.connections, seconds, rounds)
        measured = [_median(target_runs) for target_runs in runs]
        for server, real, floor in slots:
            result = measured[real]
            row = Row(scenario, server.clients, result, rounds=runs[real])
            row.tail_ratio = statistics.median(m.p99_ms / m.p50_ms for m in runs[real])
            row.stolen = max((m.stolen for m in runs[real] if m.stolen is not None), default=None)
            if floor is not None:
                row.floor = measured[floor]
                row.floor_ratio = _paired_ratio(runs[real], runs[floor])
                row.checks += _ratio_check("floor", row.floor_ratio, scenario.floor_min_ratio)
            if peer is not None:
                row.peer = measured[peer]
                row.peer_ratio = _paired_ratio(runs[real], runs[peer])
                row.checks += _ratio_check(
                    str(scenario.peer), row.peer_ratio, scenario.peer_min_ratio
                )
            if scenario.min_rps is not None and server is servers[-1]:
                row.checks.append(
                    (
                        f"≥ {scenario.min_rps:.0f} rps ({result.rps:.0f})",
                        result.rps >= scenario.min_rps,
                    )
                )
            if scenario.max_p99_ms is not None and server is servers[-1]:
                row.checks.append(
                    (
                        f"p99 < {scenario.max_p99_ms:.0f} ms ({result.p99_ms:.1f})",
                        result.p99_ms < scenario.max_p99_ms,
                    )
                )
            if reads:
                row.checks.append(
                    (
                        f"p99 ≤ {TAIL_MAX_RATIO:g}× p50 ({row.tail_ratio:.1f}×)",
                        row.tail_ratio <= TAIL_MAX_RATIO,
                    )
                )
            row.checks.append((f"no failed requests ({result.failures})", result.failures == 0))
            rows.append(row)
            print(
                f"  {scenario.name:<18} {server.clients:>9,} clients {result.rps:9.1f} rps"
                f"  p99 {result.p99_ms:7.2f} ms",
                flush=True,
            )
    return rows


def delivery_row(scenario: Scenario, clients: int, delivery: Delivery) -> Row:
    def rate(per_second: float) -> Measurement:
        return Measurement(
            requests=delivery.messages,
            seconds=delivery.messages / per_second,
            rps=per_second,
            p50_ms=0.0,
            p99_ms=0.0,
            failures=0,
        )

    row = Row(
        scenario,
        clients,
        rate(delivery.rate),
        floor=rate(delivery.baseline_rate),
        worker_peak_mb=delivery.worker_peak_mb,
    )
    row.checks += _ratio_check(
        "raw aiosmtplib", delivery.rate / delivery.baseline_rate, scenario.floor_min_ratio
    )
    print(f"  reminder_delivery  {delivery.rate:9.1f} msg/s (raw {delivery.baseline_rate:.1f})")
    return row


def follow_up_row(scenario: Scenario, clients: int, measured: FollowUpPass) -> Row:
    row = Row(
        scenario,
        clients,
        Measurement(
            requests=measured.asked,
            seconds=measured.seconds,
            rps=measured.asked / measured.seconds,
            p50_ms=0.0,
            p99_ms=measured.seconds * 1000,
            failures=0,
        ),
    )
    row.checks += [
        (f"under 10 s ({measured.seconds:.2f} s)", measured.seconds < 10),
        (
            f"each question once ({measured.asked} asked, {measured.questions} queued, "
            f"{measured.due} due)",
            measured.asked == measured.due and measured.questions <= measured.due,
        ),
    ]
    print(f"  follow_up_pass     {measured.asked} asked in {measured.seconds:.2f} s")
    return row


def compare_scales(rows: list[Row]) -> None:
    """Add each scenario's scale budget: the largest data against the smallest."""
    by_scenario: dict[str, list[Row]] = {}
    for row in rows:
        by_scenario.setdefault(row.scenario.name, []).append(row)
    for scenario_rows in by_scenario.values():
        smallest = min(scenario_rows, key=lambda r: r.clients)
        for row in scenario_rows:
            if row is smallest:
                continue
            row.scale_ratio = smallest.result.rps / row.result.rps
            row.scale_p99_ratio = row.result.p99_ms / smallest.result.p99_ms
            budget = row.scenario.scale_max_ratio
            if budget is not None:
                size = row.clients / smallest.clients
                row.checks.append(
                    (
                        f"≤ {budget}× slower than {size:g}× less data (throughput "
                        f"{row.scale_ratio:.2f}×, p99 {row.scale_p99_ratio:.2f}×)",
                        max(row.scale_ratio, row.scale_p99_ratio) <= budget,
                    )
                )


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "system": platform.platform(),
        "load_generator": subprocess.run([wrk_path(), "--version"], capture_output=True, text=True)
        .stdout.split("\n")[0]
        .strip(),
    }


# This many clients load in under this many seconds: a minute for 50,000, and five
# minutes for the 500,000 of issue 25 (not ten, as a minute per 50,000 would allow).
GENERATION_BUDGETS = ((50_000, 60.0), (500_000, 300.0))


def generation_checks(clients: int, seconds: float) -> list[dict[str, Any]]:
    """The generator's budget for the largest scale it reaches (scaled to it)."""
    reached = [budget for budget in GENERATION_BUDGETS if clients >= budget[0]]
    if not reached:
        return []
    budget_clients, budget_seconds = reached[-1]
    allowed = budget_seconds * clients / budget_clients
    return [{"budget": f"under {allowed:.0f} s", "pass": seconds < allowed}]


def report(
    rows: list[Row], memory_mb: dict[str, float], generation: dict[int, float], info: dict[str, Any]
) -> str:
    columns = [
        "scenario",
        "data (clients)",
        "rps",
        "p50 ms",
        "p99 ms",
        "CPU stolen",
        "floor rps",
        "vs floor",
        "peer rps",
        "vs peer",
        "vs 10× less data (rps, p99)",
        "budget",
    ]
    alignment = ["---"] + ["---:"] * (len(columns) - 2) + ["---"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(alignment) + "|"]
    for row in sorted(rows, key=lambda r: (SCENARIOS.index(r.scenario), r.clients)):
        floor = row.floor
        vs_floor = f"{row.floor_ratio:.2f}" if row.floor_ratio is not None else "–"
        vs_scale = (
            f"{row.scale_ratio:.2f}×, {row.scale_p99_ratio:.2f}×"
            if row.scale_ratio is not None and row.scale_p99_ratio is not None
            else "–"
        )
        budget = "; ".join(("pass " if ok else "MISS ") + text for text, ok in row.checks)
        title = row.scenario.title
        if row.scenario.kind == "http" and row.scenario.connections != DEFAULT_CONNECTIONS:
            title += f", {row.scenario.connections} connections"
        cells = [
            title,
            f"{row.clients:,}",
            f"{row.result.rps:,.0f}",
            f"{row.result.p50_ms:.2f}" if row.scenario.kind == "http" else "–",
            f"{row.result.p99_ms:.2f}" if row.scenario.kind == "http" else "–",
            f"{row.stolen:.1%}" if row.stolen is not None else "–",
            f"{floor.rps:,.0f}" if floor else "–",
            vs_floor,
            f"{row.peer.rps:,.0f} ({row.scenario.peer})" if row.peer else "–",
            f"{row.peer_ratio:.2f}" if row.peer_ratio is not None else "–",
            vs_scale,
            budget,
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Peak RSS: " + ", ".join(f"{k} {v:.0f} MiB" for k, v in memory_mb.items()))
    lines.append("")
    made = []
    for clients, seconds in sorted(generation.items()):
        checks = generation_checks(clients, seconds)
        verdict = "".join(f" ({'pass' if c['pass'] else 'MISS'} {c['budget']})" for c in checks)
        made.append(f"{clients:,} clients in {seconds:.1f} s{verdict}")
    lines.append("Data generated through COPY: " + "; ".join(made) + ".")
    lines.append("")
    lines.append(
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {info['cpu']}, "
        f"{info['cores']} cores, {info['memory_gib']} GiB, Python {info['python']}; "
        f"load from {info['load_generator']}, {DEFAULT_CONNECTIONS} connections unless the "
        f"scenario says otherwise, median of "
        f"{info['rounds']} rounds of {info['seconds']} s. A read's p99 over p50 is the median "
        f"of each round's own; CPU stolen is the most of the machine's CPU time the "
        f"hypervisor took during one of the row's rounds (/proc/stat)."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=50_000, help="data scale 1×")
    parser.add_argument(
        "--scales", default="0.1,1", help="data sizes as multiples of --clients (default 0.1,1)"
    )
    parser.add_argument("--seconds", type=int, default=5, help="measuring time per round")
    parser.add_argument(
        "--rounds", type=int, default=5, help="alternating rounds per scenario (medians)"
    )
    parser.add_argument("--only", nargs="*", help="scenario names")
    parser.add_argument("--workers", type=int, default=1, help="API processes (polku serve)")
    parser.add_argument(
        "--data-dir",
        default=str(ROOT / ".data"),
        help="embedded servers' data (unless DATABASE_URL/REDIS_URL are set)",
    )
    args = parser.parse_args()
    wrk_path()
    scenarios = [s for s in SCENARIOS if not args.only or s.name in args.only]
    sizes = sorted({max(100, round(args.clients * float(x))) for x in args.scales.split(",")})

    rows: list[Row] = []
    memory_mb: dict[str, float] = {}
    generation: dict[int, float] = {}
    with contextlib.ExitStack() as stack:
        database_url, redis_url = servers(stack, args.data_dir)
        running, memories, database_urls = [], {}, {}
        for clients in sizes:
            generated, generation[clients] = asyncio.run(prepare_database(database_url, clients))
            # Each run measures on a fresh copy of the generated data: what an earlier run
            # left (a grown audit month, bloated indexes) would make its figures worse.
            copy = f"polku_bench_{clients}_run"
            url = asyncio.run(copy_database(database_url, generated, copy))
            stack.callback(drop_database_now, database_url, copy)
            database_urls[clients] = url
            base, memory = stack.enter_context(bench_server(url, redis_url, args.workers))
            running.append(Server(clients, base, asyncio.run(load_data(url)), url, redis_url))
            memories[clients] = memory
        print(f"running {len(scenarios)} scenario(s) at {', '.join(map(str, sizes))} clients")
        rows += measure_scenarios(running, scenarios, args.seconds, args.rounds)
        for clients, memory in memories.items():
            memory_mb[f"API at {clients:,} clients"] = memory.stop()
        delivery = next((s for s in scenarios if s.kind == "delivery"), None)
        if delivery is not None:
            print("  reminder_delivery: 10,000 reminders through the worker", flush=True)
            measured = measure_delivery(database_urls[sizes[-1]], redis_url, rounds=args.rounds)
            rows.append(delivery_row(delivery, sizes[-1], measured))
            memory_mb["worker"] = rows[-1].worker_peak_mb or 0.0
        follow_up = next((s for s in scenarios if s.kind == "follow_up_pass"), None)
        if follow_up is not None:
            measured_pass = measure_follow_up_pass(database_urls[sizes[-1]])
            rows.append(follow_up_row(follow_up, sizes[-1], measured_pass))
    compare_scales(rows)

    info = {**machine(), "rounds": args.rounds, "seconds": args.seconds}
    table = report(rows, memory_mb, generation, info)
    print()
    print(table)
    # A partial run (--only) does not replace the full table.
    name = "latest" if not args.only else "partial"
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.md").write_text(table + "\n")
    results = {
        "machine": info,
        "memory_mb": memory_mb,
        "generation": [
            {"clients": clients, "seconds": seconds, "checks": generation_checks(clients, seconds)}
            for clients, seconds in generation.items()
        ],
        "rows": [
            {
                "scenario": r.scenario.name,
                "clients": r.clients,
                **r.result.as_dict(),
                "floor": r.floor.as_dict() if r.floor else None,
                "peer": {"name": r.scenario.peer, **r.peer.as_dict()} if r.peer else None,
                "floor_ratio": r.floor_ratio,
                "peer_ratio": r.peer_ratio,
                "scale_ratio": r.scale_ratio,
                "scale_p99_ratio": r.scale_p99_ratio,
                "tail_ratio": r.tail_ratio,
                "stolen_pct": None if r.stolen is None else round(100 * r.stolen, 1),
                "rounds": [m.as_dict() for m in r.rounds],
                "checks": [{"budget": t, "pass": ok} for t, ok in r.checks],
            }
            for r in rows
        ],
    }
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
