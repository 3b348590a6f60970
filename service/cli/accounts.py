"""`polku admin create`: the first administrator, from the command line."""

from __future__ import annotations

import asyncio
from typing import Any

import click
import msgspec

from db.pool import connect
from service.base.settings import Settings
from service.cli.environment import apply_migrations, fail, resolved, settings_or_fail


@click.group()
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
