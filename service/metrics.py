"""Prometheus metrics at `/metrics`: request latency by route template and status, the
database pools, the outbox backlog, sends and failures by channel and reason, and how
long ago a worker was heard from.

Nothing here names a person: labels are route templates (`/api/v1/clients/{id}`, never
the id), methods, status codes, pool names and message channels. Figures that live in
PostgreSQL (the outbox, heartbeats) are read when Prometheus scrapes, through the
partial indexes the worker itself uses, so a scrape costs a few index lookups.
"""

from __future__ import annotations

import asyncio
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from litestar import Response, get
from litestar.datastructures import State
from litestar.types import HTTPScope
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

from db.pool import FairPool

SCRAPE_TIMEOUT_SECONDS = 2.0
# Request latency buckets: reads answer in milliseconds, reports in a second or two.
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

_OUTBOX = """
SELECT status, channel, count(*) AS messages,
       extract(epoch FROM now() - min(scheduled_for) FILTER (WHERE scheduled_for <= now()))
           AS oldest_due_seconds
FROM messages
WHERE status IN ('pending', 'sending')
GROUP BY status, channel
"""
# Sends and failures, counted by the workers as they record each outcome (migration 0025).
_DELIVERIES = """
SELECT channel, outcome, reason, sum(count)::bigint AS count
FROM delivery_counts
GROUP BY channel, outcome, reason
"""
_HEARTBEAT = """
SELECT extract(epoch FROM now() - max(seen_at)) AS age,
       count(*) FILTER (WHERE seen_at > now() - interval '1 minute') AS alive
FROM worker_heartbeats
"""


class Metrics:
    """One registry per app, so several apps in one process (the tests) keep apart."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._latency: dict[tuple[str, str, int], _Latency] = {}
        # Requests waiting for a connection, by pool: counted in service/base/http.py.
        self.waiting: Counter[str] = Counter()
        self.pools: dict[str, FairPool] = {}
        self._database: list[Any] = []
        self.registry.register(_Live(self))

    async def refresh(self, pool: FairPool) -> None:
        """Read what lives in PostgreSQL, just before the registry is written out."""

        async def read() -> list[Any]:
            async with pool.acquire() as conn:
                return [
                    await conn.fetch(_OUTBOX),
                    await conn.fetchrow(_HEARTBEAT),
                    await conn.fetch(_DELIVERIES),
                ]

        try:
            self._database = await asyncio.wait_for(read(), SCRAPE_TIMEOUT_SECONDS)
        except Exception:  # the database away: those figures are left out, not made up
            self._database = []

    def observe(self, scope: HTTPScope, status: int, seconds: float) -> None:
        """A request's latency (a `service.base.http.RequestObserver`). Counted in plain
        lists, summed up only when scraped: prometheus_client's Histogram takes a lock per
        bucket and per sum on every request, a quarter of what observing cost the hot read.
        One event loop observes, so nothing here needs a lock."""
        labels = (scope["method"], scope.get("path_template") or "unmatched", status)
        series = self._latency.get(labels)
        if series is None:
            series = self._latency[labels] = _Latency()
        series.counts[bisect_left(BUCKETS, seconds)] += 1
        series.total += seconds

    def latency(self) -> HistogramMetricFamily:
        family = HistogramMetricFamily(
            "polku_http_request_duration_seconds",
            "Time from request to the end of the response, by route template and status",
            labels=["method", "route", "status"],
        )
        bounds = [*(str(bound) for bound in BUCKETS), "+Inf"]
        for (method, route, status), series in list(self._latency.items()):
            cumulative = list(zip(bounds, accumulate(series.counts), strict=True))
            family.add_metric([method, route, str(status)], cumulative, series.total)
        return family


class _Latency:
    """One series of the request histogram: a count per bucket (the last is +Inf), and
    the sum of the seconds."""

    __slots__ = ("counts", "total")

    def __init__(self) -> None:
        self.counts = [0] * (len(BUCKETS) + 1)
        self.total = 0.0


class _Live(Collector):
    """Figures read at scrape time rather than counted as they happen."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def collect(self) -> Any:
        yield self.metrics.latency()
        connections = GaugeMetricFamily(
            "polku_db_pool_connections",
            "Database connections of the API process, by pool and state",
            labels=["pool", "state"],
        )
        waiting = GaugeMetricFamily(
            "polku_db_pool_waiting", "Requests waiting for a connection", labels=["pool"]
        )
        for name, pool in self.metrics.pools.items():
            idle = pool.get_idle_size()
            connections.add_metric([name, "in_use"], pool.get_size() - idle)
            connections.add_metric([name, "idle"], idle)
            connections.add_metric([name, "max"], pool.get_max_size())
            waiting.add_metric([name], self.metrics.waiting[name])
        yield connections
        yield waiting
        if not self.metrics._database:
            return
        outbox_rows, heartbeat, deliveries = self.metrics._database
        outbox = GaugeMetricFamily(
            "polku_outbox_messages", "Messages waiting or being sent", labels=["status", "channel"]
        )
        oldest = GaugeMetricFamily(
            "polku_outbox_oldest_due_seconds",
            "How long the oldest message due has waited, by channel (0 when none is due)",
            labels=["channel"],
        )
        for row in outbox_rows:
            outbox.add_metric([row["status"], row["channel"]], row["messages"])
            if row["status"] == "pending":
                oldest.add_metric([row["channel"]], float(row["oldest_due_seconds"] or 0))
        yield outbox
        yield oldest
        yield from _deliveries(deliveries)
        if heartbeat["age"] is not None:
            yield GaugeMetricFamily(
                "polku_worker_heartbeat_age_seconds",
                "Seconds since a worker was last heard from",
                value=float(heartbeat["age"]),
            )
        yield GaugeMetricFamily(
            "polku_workers_alive",
            "Workers heard from in the last minute",
            value=heartbeat["alive"],
        )


def _deliveries(rows: list[Any]) -> Iterator[CounterMetricFamily]:
    sent = CounterMetricFamily(
        "polku_messages_sent",
        "Messages handed to the mail server or SMS gateway",
        labels=["channel"],
    )
    failures = CounterMetricFamily(
        "polku_message_failures",
        "Tries that did not deliver, by channel, reason (refused, deferred, unreachable, "
        "timeout, not_configured, internal, interrupted) and outcome (retry: due again; "
        "failed: given up)",
        labels=["channel", "reason", "outcome"],
    )
    for row in rows:
        if row["outcome"] == "sent":
            sent.add_metric([row["channel"]], row["count"])
        else:
            failures.add_metric([row["channel"], row["reason"], row["outcome"]], row["count"])
    yield sent
    yield failures


@get(
    "/metrics",
    tags=["operations"],
    summary="Prometheus metrics (text format); no personal data",
    media_type=CONTENT_TYPE_LATEST,
)
async def metrics(state: State) -> Response[bytes]:
    """Prometheus metrics in text format.

    Request latency by route, pool use, outbox backlog, sends and failures by channel,
    worker heartbeat age; never a person.
    """
    collected: Metrics = state.metrics
    await collected.refresh(state.pool)
    return Response(generate_latest(collected.registry), media_type=CONTENT_TYPE_LATEST)


routes = [metrics]
