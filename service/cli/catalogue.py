"""`polku services import`: the service catalogue from Open Referral HSDS files."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import click

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail


@click.group()
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
    with resolved(settings_or_fail()) as ready:
        apply_migrations(ready)
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
