"""Health for orchestrators: `/health/live` (the process answers), `/health/ready`
(database, Redis, migrations current, a worker heard from, months of the audit trail
made ahead), and `/health`, kept for those who use it (database and Redis)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any, TypeVar

import asyncpg
import msgspec
from litestar import Response, get
from litestar.datastructures import State
from litestar.openapi import ResponseSpec

from db.migrate import pending_migrations
from service.base import audit, heartbeat

CHECK_TIMEOUT_SECONDS = 2.0
OK, UNAVAILABLE = "ok", "unavailable"
T = TypeVar("T")
# Audit months run out within MONTHS_AHEAD_WARNING: writes still work, the worker is late.
ENDING = "ending"


class Live(msgspec.Struct):
    status: str


class Health(msgspec.Struct):
    status: str
    database: str
    redis: str


class Readiness(msgspec.Struct):
    status: str
    database: str
    redis: str
    migrations: str  # "ok", "pending" (polku migrate has not run) or "unavailable"
    worker: str  # "ok" when a worker was heard from in the last minute, else "unavailable"
    # "ok" when the audit trail has a month made ahead, "ending" when less than a month
    # is left (still ready), "unavailable" when no month holds now (audited writes fail)
    audit_months: str


async def _check(probe: Awaitable[Any]) -> str:
    try:
        await asyncio.wait_for(probe, CHECK_TIMEOUT_SECONDS)
    except Exception:  # any failure means "not available", whatever raised it
        return UNAVAILABLE
    return OK


async def _asked(state: State, question: Callable[[asyncpg.Connection], Awaitable[T]]) -> T:
    """`question` answered on one of the pool's connections, within the check's time."""

    async def ask() -> T:
        async with state.pool.acquire() as conn:
            return await question(conn)

    return await asyncio.wait_for(ask(), CHECK_TIMEOUT_SECONDS)


async def _migrations(state: State) -> str:
    try:
        waiting = await _asked(state, pending_migrations)
    except Exception:  # an edited migration, the database away: not ready either way
        return UNAVAILABLE
    return "pending" if waiting else OK


async def _worker(state: State) -> str:
    try:
        seen = await _asked(state, heartbeat.last_seen)
    except Exception:  # the database away: no worker can be vouched for
        return UNAVAILABLE
    return OK if heartbeat.alive(seen) else UNAVAILABLE


async def _audit_months(state: State) -> str:
    try:
        time_left = await _asked(state, audit.months_left)
    except Exception:  # the database away: nothing can be vouched for
        return UNAVAILABLE
    if time_left is None or time_left <= timedelta(0):
        return UNAVAILABLE
    return OK if time_left >= audit.MONTHS_AHEAD_WARNING else ENDING


@get("/health/live", tags=["operations"], summary="200 while the process answers")
async def live() -> Live:
    """The process answers.

    For a liveness probe: no database or Redis is asked.
    """
    return Live(status=OK)


@get(
    "/health/ready",
    tags=["operations"],
    summary="200 when the database, Redis, migrations, a worker and audit months are there",
    responses={503: ResponseSpec(Readiness, description="Something the API needs is missing")},
)
async def ready(state: State) -> Response[Readiness]:
    """Ready to serve.

    The database and Redis answer, migrations are current, a worker was seen in the
    last minute and the audit trail has a month to write to now (`audit_months` is
    `ending`, still ready, when less than a month is made ahead: the worker makes
    them daily); 503 names what is missing.
    """
    database, redis, migrations, worker, audit_months = await asyncio.gather(
        _check(state.pool.fetchval("SELECT 1")),
        _check(state.redis.ping()),
        _migrations(state),
        _worker(state),
        _audit_months(state),
    )
    is_ready = database == redis == migrations == worker == OK and audit_months != UNAVAILABLE
    return Response(
        Readiness(
            status=OK if is_ready else UNAVAILABLE,
            database=database,
            redis=redis,
            migrations=migrations,
            worker=worker,
            audit_months=audit_months,
        ),
        status_code=200 if is_ready else 503,
    )


@get(
    "/health",
    tags=["operations"],
    summary="200 when the database and Redis answer",
    responses={503: ResponseSpec(Health, description="The database or Redis does not answer")},
)
async def health(state: State) -> Response[Health]:
    """The database and Redis answer.

    503 names the one that does not.
    """
    database, redis = await asyncio.gather(
        _check(state.pool.fetchval("SELECT 1")), _check(state.redis.ping())
    )
    healthy = database == redis == OK
    return Response(
        Health(status=OK if healthy else UNAVAILABLE, database=database, redis=redis),
        status_code=200 if healthy else 503,
    )


routes = [live, ready, health]
