"""`polku backup FILE` and `polku restore FILE`: the whole database in one file, for the
embedded servers (POLKU_DATA_DIR) or the database in DATABASE_URL (db/backup.py)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import click

from db.backup import BackupError, backup, restore
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail

FILE = click.Path(dir_okay=False, path_type=Path)


@click.command(name="backup")
@click.argument("file", type=FILE)
def backup_command(file: Path) -> None:
    """Write the whole database (records, audit trail, migrations) to FILE."""
    with resolved(settings_or_fail()) as ready:
        if ready.database_url is None:
            fail("a backup reads as the owner of the schema: set DATABASE_URL")
        try:
            backup(ready.database_url, file)
        except BackupError as error:
            fail(str(error).splitlines()[0])
    click.echo(f"backed up to {file}")


@click.command(name="restore")
@click.argument("file", type=FILE)
def restore_command(file: Path) -> None:
    """Load FILE into an empty database (a new POLKU_DATA_DIR, say), then migrate it."""
    with resolved(settings_or_fail()) as ready:
        if ready.database_url is None:
            fail("a restore writes as the owner of the schema: set DATABASE_URL")
        try:
            asyncio.run(restore(ready.database_url, file))
        except BackupError as error:
            fail(str(error).splitlines()[0])
        # A backup of an older Polku gets the migrations since; polku_app its password.
        applied = apply_migrations(ready)
    click.echo(f"restored {file}" + (f"; applied {', '.join(applied)}" if applied else ""))
