"""The arq worker: periodic jobs over PostgreSQL, with Redis carrying only near-term work."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from arq import cron
from arq.connections import RedisSettings
from arq.worker import Worker

from db.pool import create_pool
from service.accounts import service as accounts
from service.settings import Settings

logger = logging.getLogger("polku.worker")

# Expired and revoked tokens are kept this long for investigating incidents.
TOKEN_RETENTION = timedelta(days=7)


async def purge_tokens(ctx: dict[str, Any]) -> int:
    async with ctx["pool"].acquire() as conn:
        purged = await accounts.purge_expired_tokens(conn, TOKEN_RETENTION)
    if purged:
        logger.info("purged %d expired access tokens", purged)
    return purged


async def startup(ctx: dict[str, Any]) -> None:
    settings: Settings = ctx["settings"]
    assert settings.database_url is not None
    ctx["pool"] = await create_pool(settings.database_url, min_size=1, max_size=10)


async def shutdown(ctx: dict[str, Any]) -> None:
    if "pool" in ctx:
        await ctx["pool"].close()


class WorkerSettings:
    """What the worker runs; `create_worker` adds where Redis is."""

    functions: list[Any] = []
    cron_jobs = [
        cron(purge_tokens, minute=set(range(0, 60, 10)), run_at_startup=True, unique=True),
    ]
    on_startup = startup
    on_shutdown = shutdown


def create_worker(settings: Settings, **options: Any) -> Worker:
    assert settings.redis_url is not None
    return Worker(
        functions=WorkerSettings.functions,
        cron_jobs=WorkerSettings.cron_jobs,
        on_startup=WorkerSettings.on_startup,
        on_shutdown=WorkerSettings.on_shutdown,
        redis_settings=RedisSettings.from_dsn(settings.redis_url),
        ctx={"settings": settings},
        **options,
    )
