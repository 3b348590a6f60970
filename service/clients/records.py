"""Client records: created, read (single reads arriving together share a statement),
changed, listed and searched within the caller's reach."""

from __future__ import annotations

import re
from datetime import date
from typing import cast

import asyncpg
import msgspec

from db.pool import FairPool
from service.base import audit
from service.base.batching import READS_IN_FLIGHT, READS_PER_BATCH, Coalescer
from service.base.clock import today_in_finland
from service.base.errors import ClientOutOfReach, Forbidden, InvalidInput
from service.base.fields import require_time_zone
from service.base.identity import Actor
from service.base.ids import is_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of
from service.base.reach import CLIENT_WORK_ROLES, require_reach
from service.clients import disclosure
from service.clients.sql import queries
from service.clients.types import (
    ClientIn,
    ClientOut,
    ClientPatch,
)
from service.notifications import outbox

_LIKE_SPECIAL = re.compile(r"([\\%_])")


def _check_client_fields(birth_date: date | None, timezone: str | None) -> None:
    if birth_date is not None and not date(1900, 1, 1) <= birth_date <= today_in_finland():
        raise InvalidInput("birth_date", "must be between 1900-01-01 and today")
    if timezone is not None:
        require_time_zone("timezone", timezone)


def _check_reason(marking: bool, reason: str | None) -> None:
    """Setting or clearing non-disclosure needs a reason; a reason needs the mark."""
    if marking and reason is None:
        raise InvalidInput(
            "non_disclosure_reason", "needed when setting or clearing non_disclosure"
        )
    if reason is not None and not marking:
        raise InvalidInput("non_disclosure_reason", "only with non_disclosure")


async def _log_marking(
    conn: asyncpg.Connection, actor: Actor, client_id: str, marked: bool, was: bool, reason: str
) -> None:
    await audit.log_action(
        conn,
        actor,
        "client.non_disclosure",
        client_id=client_id,
        detail={"non_disclosure": marked, "was": was, "reason": reason},
    )


async def create_client(conn: asyncpg.Connection, actor: Actor, data: ClientIn) -> ClientOut:
    actor.require_role(*CLIENT_WORK_ROLES)
    _check_client_fields(data.birth_date, data.timezone)
    _check_reason(data.non_disclosure, data.non_disclosure_reason)
    values = msgspec.structs.asdict(data)
    del values["non_disclosure_reason"]
    values.update(first_name=data.first_name.strip(), last_name=data.last_name.strip())
    row = await queries.insert_client(
        conn, organisation_id=actor.organisation_id, created_by=actor.id, **values
    )
    client = _client_out(row, actor)
    await audit.log_action(conn, actor, "client.create", client_id=client.id)
    if data.non_disclosure_reason is not None:
        await _log_marking(conn, actor, client.id, True, False, data.non_disclosure_reason)
    return client


class ClientReads:
    """Single-client reads, the hottest in Polku, answered together.

    Reads that arrive while others are on their way to the database share the next
    statement: under load it costs the server about half as much per read as one
    statement each, with the same audit row per read. A lone read goes at once.
    """

    def __init__(self, pool: FairPool) -> None:
        self._pool = pool
        self._batches: Coalescer[tuple[Actor, str], ClientOut | None] = Coalescer(
            self._read_together, in_flight=READS_IN_FLIGHT, max_batch=READS_PER_BATCH
        )

    async def read(self, actor: Actor, client_id: str) -> ClientOut:
        """The client, or the audited 404."""
        if not is_id(client_id):
            refusal = ClientOutOfReach(client_id, "client.read")
            async with self._pool.acquire() as proxy:
                await audit.log_refusal(cast(asyncpg.Connection, proxy), actor, refusal)
            raise refusal
        client = await self._batches((actor, client_id))
        if client is None:
            raise ClientOutOfReach(client_id, "client.read")  # audited in the batch
        return client

    async def _read_together(self, asked: list[tuple[Actor, str]]) -> list[ClientOut | None]:
        async with self._pool.acquire() as conn:
            rows = await queries.read_clients(
                conn,
                viewers=[actor.id for actor, _ in asked],
                ids=[client_id for _, client_id in asked],
                request_ids=[actor.request_id for actor, _ in asked],
            )
        found = {row["n"]: row for row in rows}
        return [
            None if (row := found.get(n)) is None else _client_out(row, actor)
            for n, (actor, _) in enumerate(asked, start=1)
        ]


def _client_out(row: asyncpg.Record, actor: Actor) -> ClientOut:
    """The record as the actor may see it (non-disclosure: service/clients/disclosure.py)."""
    return msgspec.convert(
        disclosure.shown(dict(row), actor.organisation_id, actor.roles), ClientOut
    )


async def update_client(
    conn: asyncpg.Connection, actor: Actor, client_id: str, data: ClientPatch
) -> ClientOut:
    await require_reach(conn, actor, client_id, "client.update", lock=True)
    fields = {
        name: value.strip() if name in {"first_name", "last_name"} else value
        for name, value in msgspec.structs.asdict(data).items()
        if value is not msgspec.UNSET
    }
    reason = fields.pop("non_disclosure_reason", None)
    facts = await queries.disclosure_facts(conn, viewer=actor.id, id=client_id)
    viewer = disclosure.Viewer(actor.organisation_id, actor.roles, facts["viewer_is_responsible"])
    marking = "non_disclosure" in fields
    if marking and not disclosure.may_mark(facts["organisation_id"], viewer):
        raise Forbidden(
            "non_disclosure: only the client's own organisation's responsible workers and "
            "admins may set or clear it"
        )
    protected = sorted(set(disclosure.PROTECTED) & fields.keys())
    if protected and not disclosure.sees_protected(
        facts["non_disclosure"], facts["organisation_id"], viewer
    ):
        raise Forbidden(
            f"{protected[0]}: under non-disclosure only the client's own organisation's "
            "responsible workers and admins may change it"
        )
    _check_reason(marking, reason)
    _check_client_fields(fields.get("birth_date"), fields.get("timezone"))
    await audit.attribute_changes(conn, actor)  # the record's history names them
    row = await queries.update_client(conn, id=client_id, fields=fields)
    if {"email", "phone", "timezone"} & fields.keys():
        await outbox.client_reach_changed(conn, client_id, calendar_anew=bool(fields.get("email")))
    await audit.log_action(
        conn, actor, "client.update", client_id=client_id, detail={"fields": sorted(fields)}
    )
    if reason is not None:
        await _log_marking(
            conn, actor, client_id, fields["non_disclosure"], facts["non_disclosure"], reason
        )
    return msgspec.convert(
        disclosure.shown(
            {**row, "viewer_is_responsible": facts["viewer_is_responsible"]},
            actor.organisation_id,
            actor.roles,
        ),
        ClientOut,
    )


def _search_patterns(q: str) -> list[str]:
    words = [word for word in q.lower().split() if word][:5]
    return ["%" + _LIKE_SPECIAL.sub(r"\\\1", word) + "%" for word in words]


async def list_clients(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    q: str | None,
    limit: int,
    cursor: str | None,
    mine: bool = False,
) -> Page[ClientOut]:
    """Clients in the caller's reach by name, optionally those matching every word of q.

    With `mine`, only those reached through the caller's own relationships (responsible
    worker, plan coach, group facilitator, referrer), not as an admin.
    """
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    patterns = _search_patterns(q or "")
    if patterns:
        rows = await queries.search_clients(
            conn,
            viewer=actor.id,
            mine=mine,
            longest_pattern=max(patterns, key=len),
            patterns=patterns,
            after_name=after_name,
            after_id=after_id,
            limit=limit + 1,
        )
    else:
        rows = await queries.list_clients(
            conn,
            viewer=actor.id,
            mine=mine,
            after_name=after_name,
            after_id=after_id,
            limit=limit + 1,
        )
    sort_names = {row["id"]: row["sort_name"] for row in rows}
    page = page_of(
        [_client_out(row, actor) for row in rows],
        limit,
        lambda client: (sort_names[client.id], client.id),
    )
    await audit.log_for_clients(conn, actor, "client.list", [client.id for client in page.items])
    return page
