"""What every `polku` command stands on: its settings, its servers (the configured
ones, or the embedded ones started for it), migrations, logging, a free port, and a
one-line failure instead of a traceback."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import socket
import sys
from collections.abc import Iterator
from typing import NoReturn

import click
import msgspec

from db.embedded import EmbeddedServerError, EmbeddedServers
from db.migrate import MigrationError, migrate, set_app_password
from db.pool import connect
from service.base import logs
from service.base.logs import LogFormat
from service.base.settings import Settings, SettingsError, load_settings


def fail(message: str) -> NoReturn:
    """End the command with a one-line explanation instead of a traceback."""
    click.echo(f"polku: {message}", err=True)
    sys.exit(1)


def settings_or_fail() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        fail(str(error))


@contextlib.contextmanager
def resolved(settings: Settings) -> Iterator[Settings]:
    """Settings with server URLs: the given ones, or the embedded servers' (started if needed)."""
    if not settings.uses_embedded_servers:
        yield settings
        return
    try:
        servers = EmbeddedServers(settings.data_path)
        urls = servers.start()
    except (EmbeddedServerError, OSError) as error:
        fail(str(error).splitlines()[0])
    try:
        # An app login of its own names a database elsewhere, not the embedded one.
        embedded_database = None if settings.app_database_url else urls.database_url
        yield msgspec.structs.replace(
            settings,
            database_url=settings.database_url or embedded_database,
            redis_url=settings.redis_url or urls.redis_url,
        )
    finally:
        servers.stop()


async def _migrate(database_url: str, app_password: str | None) -> list[str]:
    conn = await connect(database_url)
    try:
        applied = await migrate(conn)
        if app_password is not None:
            await set_app_password(conn, app_password)
        return applied
    finally:
        await conn.close()


def apply_migrations(settings: Settings) -> list[str]:
    """Migrate as the owner in DATABASE_URL, and give polku_app POLKU_APP_DB_PASSWORD."""
    if settings.database_url is None:
        fail(
            "migrations run as the owner of the schema: set DATABASE_URL "
            "(POLKU_APP_DATABASE_URL is the API's and the worker's login, which cannot migrate)"
        )
    try:
        return asyncio.run(_migrate(settings.database_url, settings.app_db_password))
    except MigrationError as error:
        fail(str(error))
    except OSError as error:
        fail(f"cannot reach the database: {error}")


def configure_logging(settings: Settings, default: LogFormat = "text") -> LogFormat:
    """One line per event, in POLKU_LOG_FORMAT or else the command's `default`; returns
    the format chosen."""
    chosen = settings.log_format or default
    logs.configure(chosen, settings.log_level)
    return chosen


def check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                fail(f"port {port} on {host} is already in use; stop what uses it or pass --port")
            fail(f"cannot listen on {host}:{port}: {error.strerror}")
