"""The strengths-based CV a coach builds with the client, and its printable page."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import jinja2
import msgspec
from babel.dates import format_date

from service.base import audit
from service.base.clock import HELSINKI
from service.base.errors import NotFound, PreconditionFailed, etag
from service.base.identity import Actor
from service.base.reach import require_reach
from service.coaching.access import COACHING_ROLES
from service.coaching.sql import queries
from service.coaching.types import StrengthsCvIn, StrengthsCvOut

_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    autoescape=True,
)


def _no_cv() -> NotFound:
    return NotFound("no strengths CV yet; PUT one first")


async def put_cv(
    conn: asyncpg.Connection,
    actor: Actor,
    client_id: str,
    data: StrengthsCvIn,
    if_match: str | None,
) -> StrengthsCvOut:
    """Replace the CV. If-Match is optional here (a CV is written with the client, in
    one sitting), but a stale one is still refused."""
    await require_reach(conn, actor, client_id, "cv.update", lock=True, roles=COACHING_ROLES)
    if if_match is not None:
        current = await queries.cv(conn, client_id=client_id)
        if current is None or if_match.strip() not in {etag(current["version"]), "*"}:
            raise PreconditionFailed("the CV changed since you read it; read it again")
    row = await queries.put_cv(
        conn,
        client_id=client_id,
        summary=data.summary.strip(),
        strengths=[s.strip() for s in data.strengths],
        skills=[s.strip() for s in data.skills],
        experience=msgspec.to_builtins(data.experience),
        interests=[s.strip() for s in data.interests],
        updated_by=actor.id,
    )
    await audit.log_action(conn, actor, "cv.update", client_id=client_id)
    return msgspec.convert(dict(row), StrengthsCvOut)


async def get_cv(conn: asyncpg.Connection, actor: Actor, client_id: str) -> StrengthsCvOut:
    await require_reach(conn, actor, client_id, "cv.read")
    row = await queries.cv(conn, client_id=client_id)
    await audit.log_action(conn, actor, "cv.read", client_id=client_id)
    if row is None:
        raise _no_cv()
    return msgspec.convert(dict(row), StrengthsCvOut)


async def cv_page(
    conn: asyncpg.Connection, actor: Actor, client_id: str, language: str | None
) -> str:
    """The CV as one printable A4 page of HTML, in the client's language unless asked."""
    cv = await get_cv(conn, actor, client_id)
    client = await queries.client_name(conn, client_id=client_id)
    lang = language or client["language"]
    return render_page(
        cv,
        name=f"{client['first_name']} {client['last_name']}",
        language=lang,
        updated_on=format_date(cv.updated_at.astimezone(HELSINKI).date(), "long", locale=lang),
    )


def render_page(
    cv: StrengthsCvIn | StrengthsCvOut, *, name: str, language: str, updated_on: str
) -> str:
    return _PAGES.get_template("strengths_cv.html").render(
        lang=language,
        name=name,
        summary=cv.summary,
        strengths=cv.strengths,
        skills=cv.skills,
        experience=cv.experience,
        interests=cv.interests,
        updated_on=updated_on,
    )
