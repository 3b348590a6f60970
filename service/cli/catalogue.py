"""`polku services import`: the service catalogue from Open Referral HSDS files."""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail

if TYPE_CHECKING:
    from service.referrals.imported import Problem


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

    Every problem of every bad row is reported in words, grouped by what is wrong with
    the lines it is wrong on; a file with bad rows imports nothing unless
    --skip-bad-rows is given. On a terminal a progress bar shows the import.
    """
    from service.referrals.hsds import UnreadableFile, read_catalogue

    try:
        catalogue = read_catalogue(file)
    except UnreadableFile as error:
        fail(f"{file}: {error}")
    bad_lines = {problem.line for problem in catalogue.problems}
    if bad_lines:
        click.echo(f"{file}: {len(bad_lines)} bad row(s):", err=True)
        for line in grouped(catalogue.problems):
            click.echo(line, err=True)
    if bad_lines and not skip_bad_rows:
        fail(f"{len(bad_lines)} bad row(s); nothing imported (--skip-bad-rows imports the rest)")
    good = [service for line, service in catalogue.services if line not in bad_lines]
    with resolved(settings_or_fail()) as ready:
        apply_migrations(ready)
        with _progress(len(good)) as advance:
            added, updated = asyncio.run(_import_services(ready, good, advance))
    skipped = f", skipped {len(bad_lines)} bad row(s)" if bad_lines else ""
    click.echo(f"imported {len(good)} service(s): {added} new, {updated} updated{skipped}")


SHOWN_LINES = 10


def grouped(problems: Sequence[Problem]) -> list[str]:
    """One line per kind of problem (a field and what is wrong with it), naming the
    lines it is on, the first SHOWN_LINES of them, in the order first met."""
    lines_of: dict[tuple[str, str], list[int]] = {}
    for problem in problems:
        lines_of.setdefault((problem.field, problem.message), []).append(problem.line)
    said = []
    for (field, message), lines in lines_of.items():
        shown = ", ".join(str(line) for line in lines[:SHOWN_LINES])
        more = f" and {len(lines) - SHOWN_LINES} more" if len(lines) > SHOWN_LINES else ""
        where = f"line {shown}" if len(lines) == 1 else f"{len(lines)} rows: lines {shown}{more}"
        said.append(f"  {field}: {message} ({where})")
    return said


@contextlib.contextmanager
def _progress(rows: int) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on a terminal; elsewhere nothing until the summary line."""
    if not sys.stderr.isatty() or rows == 0:
        yield None
        return
    with click.progressbar(
        length=rows, label="importing", file=sys.stderr, show_pos=True, show_eta=True
    ) as bar:
        yield bar.update


async def _import_services(
    settings: Settings, services: list[Any], advance: Callable[[int], None] | None
) -> tuple[int, int]:
    from service.referrals.catalogue import import_services

    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        async with conn.transaction():
            return await import_services(conn, services, advance)
    finally:
        await conn.close()
