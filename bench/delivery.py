"""Reminder delivery: N due reminders sent by the real worker to a loopback SMTP server,
against aiosmtplib sending the same e-mails by itself (aiosmtplib.send, one connection
per message, the same 100 at a time the worker runs)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import aiosmtplib
import psutil

from db.pool import connect
from service.base.settings import Settings
from service.notifications import mail_format
from service.notifications.compose import compose
from service.notifications.outgoing import Outgoing
from service.notifications.sql import queries

CONCURRENCY = 100  # the worker's max_jobs
POLKU = str(Path(sys.executable).parent / "polku")
MARK = "benchmark"  # subject_type of the reminders this benchmark sends


@dataclass(frozen=True)
class Delivery:
    messages: int
    seconds: float
    baseline_seconds: float
    worker_peak_mb: float

    @property
    def rate(self) -> float:
        return self.messages / self.seconds

    @property
    def baseline_rate(self) -> float:
        return self.messages / self.baseline_seconds


async def _prepare(url: str, count: int) -> None:
    """Exactly `count` due e-mail reminders to clients who may receive them, marked as the
    benchmark's own; anything else that has fallen due since the data was generated is
    set aside, so the worker sends exactly these."""
    conn = await connect(url)
    try:
        await conn.execute("DELETE FROM messages WHERE subject_type = $1", MARK)
        await conn.execute(
            "UPDATE messages SET status = 'cancelled', status_reason = 'set aside by the "
            "delivery benchmark' WHERE status IN ('pending', 'sending') "
            "AND scheduled_for < now() + interval '1 hour'"
        )
        pairs = await conn.fetch(
            """
            SELECT e.client_id, s.programme_id, s.id AS session_id
            FROM enrolments e
            JOIN clients c ON c.id = e.client_id AND c.email IS NOT NULL
            JOIN consents k ON k.client_id = c.id AND k.purpose = 'email_reminders'
            JOIN sessions s ON s.programme_id = e.programme_id AND s.starts_at > now()
            JOIN programmes p ON p.id = s.programme_id AND p.cancelled_at IS NULL
            WHERE e.status = 'enrolled'
            LIMIT $1
            """,
            count,
        )
        if not pairs:
            raise SystemExit("bench: no client with e-mail consent has a coming session")
        rows = [pairs[i % len(pairs)] for i in range(count)]
        await conn.executemany(
            "INSERT INTO messages (client_id, kind, channel, programme_id, session_id, "
            "offset_spec, scheduled_for, subject_type) "
            "VALUES ($1, 'reminder', 'email', $2, $3, 'P1D', now() - interval '1 minute', $4)",
            [(r["client_id"], r["programme_id"], r["session_id"], MARK) for r in rows],
        )
    finally:
        await conn.close()


async def _sample_emails(settings: Settings, sample: int) -> list[Any]:
    """The e-mails the worker will send, composed by the worker's own code as the
    worker's login (claims made to compose them are rolled back)."""
    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        ids = [
            row["id"]
            for row in await conn.fetch(
                "SELECT id FROM messages WHERE subject_type = $1 LIMIT $2", MARK, sample
            )
        ]
        emails = []
        transaction = conn.transaction()
        await transaction.start()
        try:
            for message_id in ids:
                [message] = await queries.claim(conn, ids=[message_id], lease=timedelta(minutes=1))
                outgoing = await compose(conn, settings, message)
                assert isinstance(outgoing, Outgoing) and outgoing.email is not None
                emails.append(
                    mail_format.build_email(
                        outgoing.email, sender=settings.mail_from, message_id=message_id
                    )
                )
        finally:
            await transaction.rollback()
        return emails
    finally:
        await conn.close()


async def _send_raw(emails: list[Any], count: int, port: int) -> float:
    gate = asyncio.Semaphore(CONCURRENCY)

    async def send(message: Any) -> None:
        async with gate:
            await aiosmtplib.send(
                message.data,
                sender=message.sender,
                recipients=[message.recipient],
                hostname="127.0.0.1",
                port=port,
            )

    started = time.perf_counter()
    await asyncio.gather(*(send(emails[i % len(emails)]) for i in range(count)))
    return time.perf_counter() - started


async def _sent_window(url: str) -> tuple[int, float]:
    conn = await connect(url)
    try:
        row = await conn.fetchrow(
            "SELECT count(*) FILTER (WHERE status = 'sent') AS sent, "
            "extract(epoch FROM max(sent_at) - min(sent_at)) AS seconds, "
            "count(*) FILTER (WHERE status IN ('failed', 'skipped')) AS lost FROM messages "
            "WHERE subject_type = $1",
            MARK,
        )
    finally:
        await conn.close()
    assert row is not None
    if row["lost"]:
        raise SystemExit(f"bench: {row['lost']} reminders failed or were skipped")
    return int(row["sent"]), float(row["seconds"] or 0)


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _worker_run(url: str, env: dict[str, str], count: int) -> tuple[float, float]:
    """Seconds from the first reminder sent to the last, and the worker's peak RSS."""
    worker = subprocess.Popen([POLKU, "worker"], env=env)
    peak = 0.0
    try:
        deadline = time.monotonic() + 600
        while True:
            for _ in range(4):
                peak = max(peak, psutil.Process(worker.pid).memory_info().rss / 2**20)
                time.sleep(0.5)
            # Counting scans the messages table: every 2 s, not to load the database
            # under test (the window comes from sent_at, so it does not depend on this).
            sent, seconds = asyncio.run(_sent_window(url))
            if sent >= count:
                return seconds, peak
            if time.monotonic() > deadline or worker.poll() is not None:
                raise SystemExit(f"bench: the worker sent {sent} of {count}")
    finally:
        worker.terminate()
        worker.wait(30)


def measure_delivery(url: str, redis_url: str, count: int = 10_000, rounds: int = 3) -> Delivery:
    """Worker and raw aiosmtplib in alternating rounds; the medians."""
    port = _free_port()
    settings = Settings(database_url=url, redis_url=redis_url, smtp_url=f"smtp://127.0.0.1:{port}")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": redis_url,
        "SMTP_URL": settings.smtp_url or "",
        "POLKU_LOG_LEVEL": "WARNING",
    }
    sink = subprocess.Popen(
        [sys.executable, "-m", "bench.smtp_sink", "--port", str(port)], stdout=subprocess.PIPE
    )
    worker_seconds, baseline_seconds, peak = [], [], 0.0
    try:
        assert sink.stdout is not None
        sink.stdout.readline()
        for _ in range(rounds):
            asyncio.run(_prepare(url, count))
            emails = asyncio.run(_sample_emails(settings, 500))
            seconds, round_peak = _worker_run(url, env, count)
            worker_seconds.append(seconds)
            peak = max(peak, round_peak)
            baseline_seconds.append(asyncio.run(_send_raw(emails, count, port)))
    finally:
        sink.terminate()
        sink.wait(10)
    return Delivery(
        messages=count,
        seconds=sorted(worker_seconds)[len(worker_seconds) // 2],
        baseline_seconds=sorted(baseline_seconds)[len(baseline_seconds) // 2],
        worker_peak_mb=peak,
    )
