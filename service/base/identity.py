"""Who is calling: bearer tokens resolved to an Actor (the signed-in staff member), the
trust each API process keeps for a second, and role checks."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import asyncpg
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import NamedDependency

from db.pool import FairPool
from db.queries import load_queries
from service.base import clock
from service.base.errors import Forbidden, Unauthorized
from service.base.listener import Listener
from service.base.tokens import digest

queries = load_queries(Path(__file__).with_name("identity.sql"))


@dataclass(frozen=True, slots=True)
class Actor:
    """A signed-in staff member acting within one request."""

    id: str
    organisation_id: str
    email: str
    name: str
    roles: frozenset[str]
    request_id: str | None = None

    @classmethod
    def of_staff(cls, row: Mapping[str, Any]) -> Actor:
        """The staff member a row (or any mapping) names: id, organisation, e-mail,
        name and roles."""
        return cls(
            id=row["id"],
            organisation_id=row["organisation_id"],
            email=row["email"],
            name=row["name"],
            roles=frozenset(row["roles"]),
        )

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

    One per API process (per app). Every change to an account (roles, deactivation,
    password, logout) forgets its entries at once on the process that makes it, and
    sends a NOTIFY on ACCOUNTS_CHANNEL when it commits, which makes every other
    process forget them too. Trusting a token for at most TRUST_SECONDS bounds how
    long a missed notification (a lost listener connection) can matter.
    """

    TRUST_SECONDS = 1.0

    def __init__(self, max_entries: int = 10_000, trust_seconds: float = TRUST_SECONDS) -> None:
        self._entries: OrderedDict[bytes, tuple[float, Actor]] = OrderedDict()
        self._max_entries = max_entries
        self._trust_seconds = trust_seconds
        # Bumped by every forgetting: an answer read before it may be stale.
        self.generation = 0
        self.listening = False

    def get(self, token_hash: bytes) -> Actor | None:
        entry = self._entries.get(token_hash)
        if entry is None:
            return None
        if entry[0] < time.monotonic():
            del self._entries[token_hash]
            return None
        return entry[1]

    def put(self, token_hash: bytes, actor: Actor, expires_at: datetime, generation: int) -> None:
        """Trust what was read from the database during `generation`, unless an account
        has changed since (the change may have committed after the read)."""
        if generation != self.generation:
            return
        seconds_left = (expires_at - clock.now()).total_seconds()
        trust_until = time.monotonic() + min(self._trust_seconds, seconds_left)
        self._entries[token_hash] = (trust_until, actor)
        if len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def forget_staff(self, staff_id: str) -> None:
        self.generation += 1
        for token_hash, (_, actor) in list(self._entries.items()):
            if actor.id == staff_id:
                del self._entries[token_hash]

    def forget_all(self) -> None:
        self.generation += 1
        self._entries.clear()

    def listening_changed(self, listening: bool) -> None:
        # Changes may have gone unheard while the listener was away.
        self.listening = listening
        self.forget_all()


# `SELECT pg_notify('polku_accounts', staff id)` in queries.sql announces a change.
ACCOUNTS_CHANNEL = "polku_accounts"


def subscribe(listener: Listener, cache: TokenCache) -> None:
    """Keep `cache` honest through the app's listener."""
    listener.on(ACCOUNTS_CHANNEL, cache.forget_staff)
    listener.on_listening(cache.listening_changed)


def token_cache(connection: ASGIConnection[Any, Any, Any, Any]) -> TokenCache:
    """This API process's cache (see `create_app`)."""
    cache: TokenCache = connection.app.state.token_cache
    return cache


def client_address(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """Where the request comes from: the peer, or what a trusted proxy says
    (`polku serve` and FORWARDED_ALLOW_IPS)."""
    return connection.client.host if connection.client else "unknown"


@dataclass(frozen=True, slots=True)
class Session:
    """How a signed-in request came: what changing an account needs to know."""

    token_hash: bytes
    address: str
    trusted: TokenCache


def session_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Session:
    token = bearer_token(connection)
    if token is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    return Session(digest(token), client_address(connection), token_cache(connection))


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
    cache = token_cache(connection)
    known = cache.get(token_hash)
    if known is not None:
        return known
    generation = cache.generation
    if conn is None:
        pool: FairPool = connection.app.state.pool
        async with pool.acquire() as own:
            row = await queries.actor_for_token(own, token_hash=token_hash)
    else:
        row = await queries.actor_for_token(conn, token_hash=token_hash)
    if row is None:
        raise Unauthorized(_NOT_SIGNED_IN)
    known = Actor.of_staff(row)
    cache.put(token_hash, known, row["expires_at"], generation)
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
