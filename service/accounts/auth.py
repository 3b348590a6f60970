"""Who is calling: bearer tokens resolved to an Actor, and role checks."""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Request
from litestar.connection import ASGIConnection
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

    def for_request(self, request_id: str | None) -> Actor:
        return Actor(self.id, self.organisation_id, self.email, self.name, self.roles, request_id)

    def has_role(self, *roles: str) -> bool:
        return not self.roles.isdisjoint(roles)

    def require_role(self, *roles: str) -> None:
        if not self.has_role(*roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}")


CurrentActor = NamedDependency[Actor]


def bearer_token(request: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    # Straight from the raw headers: building request.headers costs more than
    # the rest of a cached sign-in check.
    for name, value in request.scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


class TokenCache:
    """Recently verified tokens, so a burst of requests does not ask the database each time.

    Logout and deactivation forget the entries on the API process that handles
    them at once; other processes trust a token for at most TRUST_SECONDS more.
    """

    TRUST_SECONDS = 5.0

    def __init__(self, max_entries: int = 10_000) -> None:
        self._entries: OrderedDict[bytes, tuple[float, Actor]] = OrderedDict()
        self._max_entries = max_entries

    def get(self, token_hash: bytes) -> Actor | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[token_hash]
            return None
        return entry[1]

    def put(self, token_hash: bytes, actor: Actor, expires_at: datetime) -> None:
        seconds_left = (expires_at - datetime.now(UTC)).total_seconds()
        trust_until = time.monotonic() + min(self.TRUST_SECONDS, seconds_left)
        self._entries[token_hash] = (trust_until, actor)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget(self, token_hash: bytes) -> None:
        self._entries.pop(token_hash, None)

    def forget_staff(self, staff_id: str) -> None:
        for token_hash, (_, actor) in list(self._entries.items()):
            if actor.id == staff_id:
                del self._entries[token_hash]


token_cache = TokenCache()


_NOT_SIGNED_IN = "a valid bearer token is needed (missing, expired or revoked)"
# Where the guard leaves the caller it found, for `provide_actor` to take up.
_SIGNED_IN = "signed_in"


async def _known_actor(
    connection: ASGIConnection[Any, Any, Any, Any], conn: asyncpg.Connection | None
) -> Actor:
    """The caller the bearer token names: from the cache, else from the database
    (through `conn`, or a connection of its own from the pool)."""
    token = bearer_token(connection)
    if token is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    token_hash = digest(token)
    known = token_cache.get(token_hash)
    if known is not None:
        return known
    if conn is None:
        pool: asyncpg.Pool = connection.app.state.pool
        async with pool.acquire() as own:
            row = await queries.actor_for_token(own, token_hash=token_hash)
    else:
        row = await queries.actor_for_token(conn, token_hash=token_hash)
    if row is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    known = Actor(
        id=row["id"],
        organisation_id=row["organisation_id"],
        email=row["email"],
        name=row["name"],
        roles=frozenset(row["roles"]),
    )
    token_cache.put(token_hash, known, row["expires_at"])
    return known


async def require_sign_in(request: Request[Any, Any, Any]) -> None:
    """Before anything else about a request (its body included): a caller without a
    valid token is refused, so they learn nothing from how their input would be judged.
    A before-request hook rather than a Litestar guard, which copies the route handler
    on every call (a few per cent of a quick read)."""
    if request.route_handler.opt.get("public"):
        return
    request.scope["state"][_SIGNED_IN] = await _known_actor(request, None)


def signed_in(request: Request[Any, Any, Any]) -> Actor:
    """The caller `require_sign_in` found, acting in this request."""
    known = request.scope["state"].get(_SIGNED_IN)
    if known is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    return _acting(request, known)


def _acting(request: Request[Any, Any, Any], known: Actor) -> Actor:
    state = request.scope["state"]
    actor = known.for_request(state.get("request_id"))
    state["actor"] = actor
    return actor


async def provide_actor(
    request: Request[Any, Any, Any], conn: NamedDependency[asyncpg.Connection]
) -> Actor:
    # Asking for `conn` also makes Litestar resolve the two one after the other: side by
    # side, it would start a task group for them on every request.
    known = request.scope["state"].get(_SIGNED_IN) or await _known_actor(request, conn)
    return _acting(request, known)
