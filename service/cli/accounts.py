"""`polku admin create`: the first administrator, from the command line."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import Any

import click
import msgspec

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail


@click.group()
def admin() -> None:
    """Administrator accounts."""


PASSWORD_VARIABLE = "POLKU_ADMIN_PASSWORD"


def password_from(given: str | None) -> str:
    """The new administrator's password: from a prompt on a terminal (asked twice, never
    shown), from POLKU_ADMIN_PASSWORD for scripts, or from --password, which still works
    but is seen by anyone on the machine (`ps`) and kept in the shell's history."""
    if given is not None:
        click.echo(
            f"polku: warning: --password shows the password to everyone on this machine "
            f"(ps) and keeps it in your shell history; leave it out to be asked, or set "
            f"{PASSWORD_VARIABLE}",
            err=True,
        )
        return given
    if from_environment := os.environ.get(PASSWORD_VARIABLE):
        return from_environment
    if not sys.stdin.isatty():
        fail(f"no password: run on a terminal to be asked, or set {PASSWORD_VARIABLE}")
    entered: str = click.prompt(
        "Password for the new administrator", hide_input=True, confirmation_prompt=True
    )
    return entered


@admin.command(name="create")
@click.option("--email", required=True)
@click.option(
    "--password",
    default=None,
    help=f"Avoid: visible in ps and shell history. Asked on a terminal, or {PASSWORD_VARIABLE}.",
)
@click.option("--name", default=None, help="Defaults to the part of the e-mail before @.")
@click.option("--organisation", default="Polku", show_default=True, help="Found or created.")
@click.option(
    "--kind",
    default="wellbeing_county",
    show_default=True,
    type=click.Choice(["municipality", "wellbeing_county", "ngo", "provider", "state_agency"]),
    help="Kind of a newly created organisation.",
)
def admin_create(
    email: str, password: str | None, name: str | None, organisation: str, kind: str
) -> None:
    """Create an administrator (migrating first if needed).

    The password is asked for on a terminal, or read from POLKU_ADMIN_PASSWORD.
    """
    from service.accounts.passwords import weakness
    from service.accounts.types import UserIn

    named = "--password" if password is not None else "the password"
    password = password_from(password)
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
        fail(str(error).replace("$.password", named).replace("$.", "--"))
    problem = weakness(data.password, email=data.email, name=data.name)
    if problem is not None:
        fail(f"{named} {problem}")
    with resolved(settings_or_fail()) as ready:
        apply_migrations(ready)
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
