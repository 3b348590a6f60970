"""The `polku` command: one click group, its commands each in the module of its job.

    dev              dev.py         everything on one machine, optionally with the demo
    serve, worker,   production.py  the processes of a deployment, and its migrations
    migrate
    admin create     accounts.py    the first administrator
    services import  catalogue.py   the service catalogue from HSDS files
    backup, restore  backups.py     the whole database in one file
    sms inbound      sms.py         an SMS reply, signed as the gateway signs it
    retention run    retention.py   erase the records past their retention

What they all stand on (settings, servers, migrations, failing in one line) is in
environment.py.
"""

from __future__ import annotations

import click

from service.cli.accounts import admin
from service.cli.backups import backup_command, restore_command
from service.cli.catalogue import services
from service.cli.dev import dev
from service.cli.production import migrate_command, serve, worker
from service.cli.retention import retention
from service.cli.sms import sms


@click.group()
# The installed distribution's version (pyproject.toml), as `pip show polku` says it.
@click.version_option(package_name="polku", prog_name="polku", message="%(prog)s %(version)s")
def main() -> None:
    """Polku: group programmes, coaching, referral pathways, reminders and calendars."""


for command in (
    dev,
    serve,
    worker,
    migrate_command,
    admin,
    services,
    backup_command,
    restore_command,
    sms,
    retention,
):
    main.add_command(command)
