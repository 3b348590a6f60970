"""The questionnaires: shipped with Polku or added by admins; a new version is a new row,
so answers given with an older one keep their meaning."""

from __future__ import annotations

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict
from service.base.identity import Actor
from service.base.pagination import BY_KEY, Page, decode_cursor, page_of
from service.composers.questionnaires.definitions import Questionnaire, check_definition, shipped
from service.composers.questionnaires.sql import queries


async def install_shipped(conn: asyncpg.Connection) -> None:
    """Add the questionnaires shipped with Polku; versions already present stay as they are."""
    for questionnaire in shipped():
        await queries.add_questionnaire(
            conn,
            key=questionnaire.key,
            version=questionnaire.version,
            definition=msgspec.to_builtins(questionnaire),
            created_by=None,
        )


async def list_questionnaires(
    conn: asyncpg.Connection, *, every_version: bool, limit: int, cursor: str | None
) -> Page[Questionnaire]:
    after_key, after_version = decode_cursor(cursor, tuple[str, int], first=BY_KEY)
    rows = await queries.list_questionnaires(
        conn,
        every_version=every_version,
        after_key=after_key,
        after_version=after_version,
        limit=limit + 1,
    )
    items = [msgspec.convert(row["definition"], Questionnaire) for row in rows]
    return page_of(items, limit, lambda q: (q.key, q.version))


async def add_questionnaire(
    conn: asyncpg.Connection, actor: Actor, data: Questionnaire
) -> Questionnaire:
    """A new questionnaire, or a new version of one (admins); versions never change."""
    actor.require_role("admin")
    check_definition(data)
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('questionnaire:' || $1))", data.key)
    latest = await queries.latest_version(conn, key=data.key)
    if latest is not None and data.version <= latest:
        raise Conflict(
            f"{data.key} already has version {latest}; a new version must be numbered "
            f"{latest + 1} or higher"
        )
    await queries.add_questionnaire(
        conn,
        key=data.key,
        version=data.version,
        definition=msgspec.to_builtins(data),
        created_by=actor.id,
    )
    await audit.log_action(
        conn, actor, "questionnaire.create", subject=("questionnaire", f"{data.key}:{data.version}")
    )
    return data
