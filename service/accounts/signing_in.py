"""Signing in and out: passwords checked against the throttle, bearer tokens issued,
revoked and purged, and every account change told to the API processes."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from redis.asyncio import Redis

from service.accounts import passwords, throttle
from service.accounts.sql import queries
from service.accounts.types import (
    Me,
    TokenOut,
)
from service.base import clock
from service.base.errors import Unauthorized
from service.base.identity import Actor, Session, TokenCache
from service.base.tokens import digest, new_secret

TOKEN_PREFIX = "polku"


async def login(
    conn: asyncpg.Connection,
    redis: Redis,
    *,
    email: str,
    password: str,
    address: str,
    token_ttl: timedelta,
) -> TokenOut:
    await throttle.check(redis, email, address)
    staff = await queries.staff_for_login(conn, email=email)
    password_hash = staff["password_hash"] if staff and staff["active"] else None
    if not await passwords.verify_password(password_hash, password):
        await throttle.record_failure(redis, email, address)
        raise Unauthorized("wrong e-mail or password")
    await throttle.clear(redis, email, address)
    assert staff is not None and password_hash is not None
    if passwords.needs_rehash(password_hash):
        new_hash = await passwords.hash_password(password)
        await queries.update_staff(
            conn,
            id=staff["id"],
            name=None,
            phone=None,
            roles=None,
            active=None,
            password_hash=new_hash,
        )
    return await issue_token(conn, staff["id"], token_ttl)


async def issue_token(conn: asyncpg.Connection, staff_id: str, ttl: timedelta) -> TokenOut:
    token = new_secret(TOKEN_PREFIX)
    expires_at = clock.now() + ttl
    await queries.insert_token(
        conn, token_hash=digest(token), staff_id=staff_id, expires_at=expires_at
    )
    return TokenOut(access_token=token, token_type="bearer", expires_at=expires_at)


async def logout(conn: asyncpg.Connection, session: Session, actor: Actor) -> None:
    await queries.revoke_token(conn, token_hash=session.token_hash)
    await account_changed(conn, session.trusted, actor.id)


async def account_changed(conn: asyncpg.Connection, trusted: TokenCache, staff_id: str) -> None:
    """Cached trust in the account's tokens ends: on this API process now, on the
    others when the change commits (or, if it rolls back, nowhere but here)."""
    await queries.announce_staff_change(conn, staff_id=staff_id)
    trusted.forget_staff(staff_id)


async def purge_expired_tokens(conn: asyncpg.Connection, keep_for: timedelta) -> int:
    """Forget tokens that expired or were revoked longer than `keep_for` ago."""
    purged: int = await queries.purge_expired_tokens(conn, older_than=clock.now() - keep_for)
    return purged


def me(actor: Actor) -> Me:
    return Me(
        id=actor.id,
        email=actor.email,
        name=actor.name,
        roles=sorted(actor.roles),  # type: ignore[arg-type]
        organisation_id=actor.organisation_id,
    )
