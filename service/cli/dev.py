"""`polku dev`: the embedded servers, migrations, a mail catcher, the API and the worker in
one process that Ctrl-C stops together; with --demo, the demo organisation and its logins."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Iterator
from typing import TYPE_CHECKING

import click
import fasteners
import msgspec
import uvicorn
import uvloop

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import (
    apply_migrations,
    check_port_free,
    configure_logging,
    fail,
    resolved,
    settings_or_fail,
)
from service.cli.sms import dev_secret
from service.devmail import MailCatcher

if TYPE_CHECKING:
    from service.composers.demo import Demo


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="Seed a small realistic organisation and print logins.")
def dev(host: str, port: int, demo: bool) -> None:
    """Everything on one machine: servers, migrations, API and worker."""
    settings = settings_or_fail()
    check_port_free(host, port)
    settings.data_path.mkdir(parents=True, exist_ok=True)
    dev_lock = fasteners.InterProcessLock(str(settings.data_path / "dev.lock"))
    if not dev_lock.acquire(blocking=False):
        fail(f"polku dev is already running with data in {settings.data_path}")
    configure_logging(settings)
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
    if not settings.sms_inbound_secret:  # replies can be tried: `polku sms inbound`
        settings = msgspec.structs.replace(settings, sms_inbound_secret=dev_secret(settings))
    try:
        with resolved(settings) as ready:
            applied = apply_migrations(ready)
            seeded = asyncio.run(_seed_demo(ready)) if demo else None
            _print_banner(ready, host, port, applied, seeded, catcher)
            uvloop.run(_run_dev(ready, host, port))
    finally:
        if catcher is not None:
            catcher.stop()
        dev_lock.release()
    click.echo("polku dev stopped; embedded servers stopped unless another polku command uses them")


async def _seed_demo(settings: Settings) -> Demo:
    # Only `--demo` needs the demo, and through it every domain.
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
    lines.append(f"  SMS replies   uv run polku sms inbound --url {base} --from PHONE --text K")
    if demo is not None:
        for role, email, password in demo.logins:
            lines.append(f"  {role:<13} {email} / {password}")
        for whose, link in demo.feeds:
            lines.append(f"  calendar of {whose}: {link}")
        lines.append(f"  own page of {demo.page[0]}: {demo.page[1]}")
        lines.append(
            "  (each --demo start issues new calendar links; earlier ones answer 404, "
            "as does an earlier page link)"
        )
    click.echo("\n".join(lines))


class _SignalFreeServer(uvicorn.Server):
    """uvicorn without its own signal handling: `polku dev` stops API and worker together."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def _run_dev(settings: Settings, host: str, port: int) -> None:
    # Imported here, not at the top: the app (Litestar, every route) and the worker (arq,
    # httpx, aiosmtplib, jinja2, babel, icalendar) are most of what the command loads;
    # `polku --help` and the other commands would wait for them for nothing.
    from service.app import create_app
    from workers.main import create_worker

    # Anyone on the machine could claim any address in X-Forwarded-For, and login
    # throttling counts per address: believe no forwarded header here.
    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        # Requests are logged by the app (service/base/logs.py), uvicorn's lines by the
        # handler configure_logging set.
        access_log=False,
        log_config=None,
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
