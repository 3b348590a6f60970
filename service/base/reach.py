"""Who reaches a client: the one door to the rule, for every route, list and job.

The rule (API.md, "Who reaches a client") lives in the database function
`can_reach_client` (migration 0014), so that lists filter by it where the rows are;
this module is how the code asks it. A client outside the caller's reach answers 404,
exactly like one that does not exist, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import asyncpg

from db.queries import load_queries
from service.base.errors import ClientOutOfReach, InvalidInput
from service.base.identity import Actor
from service.base.ids import is_id

queries = load_queries(Path(__file__).with_name("reach.sql"))

# Staff who work with clients; analysts see aggregates only.
CLIENT_WORK_ROLES = ("admin", "coach", "referrer")


async def require_reach(
    conn: asyncpg.Connection,
    actor: Actor,
    client_id: str,
    action: str,
    *,
    lock: bool = False,
    roles: tuple[str, ...] = (),
) -> None:
    """Continue only for a client the actor reaches now; otherwise the audited 404.
    `lock` also locks the client row, for changes to the client. `roles`: what the
    action needs besides reach, asked only once the client is known to be in reach, so
    that outside reach every caller hears the same 404 (reach itself needs one of
    CLIENT_WORK_ROLES)."""
    if not is_id(client_id):
        raise ClientOutOfReach(client_id, action)
    if lock:
        found = await queries.lock_reachable_client(conn, viewer=actor.id, id=client_id)
    else:
        found = await queries.can_reach(conn, viewer=actor.id, id=client_id)
    if not found:
        raise ClientOutOfReach(client_id, action)
    if roles:
        actor.require_role(*roles)


async def covering_consent(
    conn: asyncpg.Connection, client_id: str, organisation_id: str, consent_id: str | None
) -> str | None:
    """The client's data_sharing consent that holds now and covers the organisation: the
    one named, or else the one given last; None when there is none."""
    found: str | None = await queries.sharing_consent(
        conn, client_id=client_id, organisation_id=organisation_id, consent_id=consent_id
    )
    return found


async def require_sharing_with_staff(
    conn: asyncpg.Connection,
    client_id: str,
    staff_ids: Iterable[str],
    consent_id: str | None,
) -> None:
    """Giving staff of another organisation a relationship with the client (a
    responsible worker, a plan coach) gives them reach: it needs the client's valid
    data_sharing consent covering each of their organisations (422 naming consent_id).
    `consent_id` names the consent; without it any covering consent will do."""
    if consent_id is not None and not is_id(consent_id):
        raise InvalidInput("consent_id", "no such consent")
    client_organisation = await queries.client_organisation(conn, id=client_id)
    rows = await queries.staff_organisations(conn, ids=sorted(set(staff_ids)))
    others = sorted({row["organisation_id"] for row in rows} - {client_organisation})
    for organisation_id in others:
        if await covering_consent(conn, client_id, organisation_id, consent_id) is None:
            raise InvalidInput(
                "consent_id",
                "staff of another organisation need the client's valid data_sharing consent "
                "covering their organisation",
            )
