"""Who is calling: bearer tokens resolved to an Actor, and role checks."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Request
from litestar.di import NamedDependency

from db.queries import load_queries
from service.errors import Forbidden, Unauthorized
from service.tokens import digest

queries = load_queries(Path(__file__).with_name("queries.sql"))


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in staff member acting within one request."""

    id: str
    organisation_id: str
    email: str
    name: str
    roles: frozenset[str]
    request_id: str | None = None

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def require_role(self, *roles: str) -> None:
        if not self.has_role(*roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


CurrentActor = NamedDependency[Actor]


def bearer_token(request: Request[Any, Any, Any]) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def provide_actor(
    request: Request[Any, Any, Any], conn: NamedDependency[asyncpg.Connection]
) -> Actor:
    token = bearer_token(request)
    row = await queries.actor_for_token(conn, token_hash=digest(token)) if token else None
    if row is None:
        raise Unauthorized("a valid bearer token is needed (missing, expired or revoked)")
    actor = Actor(
        id=row["id"],
        organisation_id=row["organisation_id"],
        email=row["email"],
        name=row["name"],
        roles=frozenset(row["roles"]),
        request_id=request.state.get("request_id"),
    )
    request.state.actor = actor
    return actor
