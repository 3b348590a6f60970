"""`polku retention run [--dry-run]`: erase every client past its retention and under no
legal hold, as the worker does daily (service/composers/data_rights/retention.py)."""

from __future__ import annotations

import asyncio
import json

import click
import msgspec

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail
from service.composers.data_rights.types import RetentionPass


@click.group()
def retention() -> None:
    """Retention of client records (10 years after the relationship closed)."""


@retention.command("run")
@click.option("--dry-run", is_flag=True, help="List what would be erased; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Answer as one JSON object.")
def run_command(dry_run: bool, as_json: bool) -> None:
    """Erase the clients past `retention_until` that no legal hold keeps."""
    with resolved(settings_or_fail()) as ready:
        if ready.database_url is not None:  # the owner's login: bring the schema up to date
            apply_migrations(ready)
        result = asyncio.run(_run(ready, dry_run))
    if as_json:
        click.echo(json.dumps(msgspec.to_builtins(result)))
    else:
        verb = "would erase" if dry_run else "erased"
        click.echo(f"{verb} {result.erased} client(s); {result.held} past retention kept by a hold")
        for client_id in result.client_ids:
            click.echo(client_id)
    if result.failed:
        fail(f"could not erase {len(result.failed)} client(s): {', '.join(result.failed)}")


async def _run(settings: Settings, dry_run: bool) -> RetentionPass:
    from service.composers.data_rights import retention as passes

    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    try:
        return await (passes.dry_run(conn) if dry_run else passes.run(conn))
    finally:
        await conn.close()
