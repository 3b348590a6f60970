"""The production commands: `polku serve` (the API), `polku worker`, `polku migrate`."""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import datetime

import click
import uvicorn
import uvloop

from db.pool import connect
from service.base import heartbeat
from service.base.settings import SettingsError
from service.cli.environment import (
    apply_migrations,
    check_port_free,
    configure_logging,
    fail,
    resolved,
    settings_or_fail,
)


@click.command()
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="API processes")
@click.option(
    "--access-log/--no-access-log",
    default=None,
    help="A line per request: method, route template, status, duration, request id "
    "(no query, no caller address). Default: POLKU_ACCESS_LOG, else on.",
)
def serve(host: str, port: int, workers: int, access_log: bool | None) -> None:
    """The API alone (production)."""
    settings = settings_or_fail()
    try:
        proxies = settings.trusted_proxies
    except SettingsError as error:
        fail(str(error))
    check_port_free(host, port)
    log_format = configure_logging(settings, default="json")
    with resolved(settings) as ready:
        assert ready.app_login_url is not None and ready.redis_url is not None
        # API processes build the app, and their logging, from the environment.
        if ready.database_url is not None:
            os.environ["DATABASE_URL"] = ready.database_url
        os.environ["REDIS_URL"] = ready.redis_url
        os.environ["POLKU_LOG_FORMAT"] = log_format
        if access_log is not None:
            os.environ["POLKU_ACCESS_LOG"] = "true" if access_log else "false"
        uvicorn.run(
            "service.asgi:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            # uvicorn's own access line carries the query string and the caller's
            # address: ours (service/base/logs.py) replaces it. Its lines go through
            # our handler, so it configures no logging of its own.
            access_log=False,
            log_config=None,
            log_level=settings.log_level.lower(),
            # Explicitly: uvicorn's own default believes 127.0.0.1 and reads the
            # environment itself.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies,
        )


@click.command()
@click.option(
    "--check",
    is_flag=True,
    help="Exit 0 if a worker on this host was heard from in the last minute (healthcheck).",
)
def worker(check: bool) -> None:
    """The worker alone (production)."""
    if check:
        _check_worker()
        return
    # Imported here, not at the top: the worker brings arq, httpx, aiosmtplib, jinja2,
    # babel and icalendar (some 250 modules), which every other command, and
    # `polku --help`, would load for nothing.
    from workers.main import create_worker

    settings = settings_or_fail()
    configure_logging(settings, default="json")
    with resolved(settings) as ready:

        async def run() -> None:
            await create_worker(ready).async_run()

        with contextlib.suppress(asyncio.CancelledError):
            uvloop.run(run())


@click.command(name="migrate")
def migrate_command() -> None:
    """Apply pending migrations."""
    with resolved(settings_or_fail()) as ready:
        applied = apply_migrations(ready)
    click.echo(f"applied {', '.join(applied)}" if applied else "database is up to date")


def _check_worker() -> None:
    """For a container's healthcheck: the heartbeat of a worker on this host."""
    with resolved(settings_or_fail()) as ready:
        url = ready.app_login_url or ready.database_url
        if url is None:
            fail("set DATABASE_URL")

        async def seen() -> datetime | None:
            conn = await connect(url)
            try:
                return await heartbeat.last_seen(conn, host=heartbeat.this_host())
            finally:
                await conn.close()

        try:
            last = asyncio.run(seen())
        except OSError as error:
            fail(f"cannot reach the database: {error}")
    if not heartbeat.alive(last):
        fail(f"no worker on {heartbeat.this_host()} heard from in the last minute")
    click.echo(f"worker on {heartbeat.this_host()} heard from at {last:%H:%M:%S}")
