"""Who reads which report, and the report queries."""

from __future__ import annotations

import asyncpg

from service.base.errors import InvalidInput
from service.base.identity import Actor
from service.base.ids import is_id
from service.reports.sql import queries


async def report_organisations(
    conn: asyncpg.Connection, actor: Actor, organisation_id: str | None, *roles: str
) -> list[str]:
    """The organisations a report covers: the one asked for, or by default the caller's
    own and those it manages. Only staff with one of `roles` report on them."""
    actor.require_role(*roles)
    in_view = [
        row["id"]
        for row in await queries.organisations_in_view(conn, organisation_id=actor.organisation_id)
    ]
    if organisation_id is None:
        return in_view
    if not is_id(organisation_id) or organisation_id not in in_view:
        raise InvalidInput("organisation_id", "must be your organisation or one it manages")
    return [organisation_id]
