"""Staff accounts: created by admins, read and listed within the organisations one may
see, edited (roles, deactivation, passwords) with the sessions that must end ending."""

from __future__ import annotations

import asyncpg
import msgspec
from redis.asyncio import Redis

from service.accounts import passwords, throttle
from service.accounts.organisations import require_managed_organisation
from service.accounts.signing_in import account_changed
from service.accounts.sql import queries
from service.accounts.types import (
    Role,
    UserIn,
    UserOut,
    UserPatch,
)
from service.base import audit, idempotency
from service.base.errors import Conflict, InvalidInput, NotFound
from service.base.identity import Actor, Session
from service.base.ids import is_id, require_id
from service.base.pagination import BY_NAME, CursorId, Page, decode_cursor, page_of
from service.calendar.links import revoke_staff_feeds


async def create_staff(
    conn: asyncpg.Connection,
    *,
    organisation_id: str,
    email: str,
    name: str,
    password: str,
    roles: list[Role],
    phone: str | None = None,
) -> UserOut:
    """Create a staff account; 409 when the e-mail is taken. No permission checks."""
    _refuse_weak(password, email=email, name=name)
    row = await queries.insert_staff(
        conn,
        organisation_id=organisation_id,
        email=email.strip(),
        name=name.strip(),
        phone=phone,
        password_hash=await passwords.hash_password(password),
        roles=sorted(set(roles)),
    )
    if row is None:
        raise Conflict("a staff account with this e-mail exists")
    return msgspec.convert(dict(row), UserOut)


def _refuse_weak(password: str, *, email: str, name: str) -> None:
    problem = passwords.weakness(password, email=email, name=name)
    if problem is not None:
        raise InvalidInput("password", problem)


async def create_user(conn: asyncpg.Connection, actor: Actor, data: UserIn) -> UserOut:
    actor.require_role("admin")
    await require_managed_organisation(conn, actor, data.organisation_id, "organisation_id")
    user = await create_staff(
        conn,
        organisation_id=data.organisation_id,
        email=data.email,
        name=data.name,
        password=data.password,
        roles=data.roles,
        phone=data.phone,
    )
    await audit.log_action(conn, actor, "staff.create", subject=("staff", user.id))
    return user


async def get_user(conn: asyncpg.Connection, actor: Actor, user_id: str) -> UserOut:
    require_id(user_id, NotFound("user not found"))
    row = await queries.staff_by_id(conn, id=user_id)
    if row is None or not await _may_see_staff(conn, actor, row["organisation_id"]):
        raise NotFound("user not found")
    return msgspec.convert(dict(row), UserOut)


async def _may_see_staff(conn: asyncpg.Connection, actor: Actor, organisation_id: str) -> bool:
    if organisation_id == actor.organisation_id:
        return True
    return actor.has_role("admin") and bool(
        await queries.manages_organisation(
            conn, admin_organisation_id=actor.organisation_id, organisation_id=organisation_id
        )
    )


async def list_users(
    conn: asyncpg.Connection,
    actor: Actor,
    *,
    organisation_id: str | None,
    role: str | None,
    limit: int,
    cursor: str | None,
) -> Page[UserOut]:
    """Staff of the caller's organisation, or of one their organisation manages (admins)."""
    organisation_id = organisation_id or actor.organisation_id
    if not is_id(organisation_id) or not await _may_see_staff(conn, actor, organisation_id):
        raise InvalidInput("organisation_id", "unknown organisation, or not yours to list")
    after_name, after_id = decode_cursor(cursor, tuple[str, CursorId], first=BY_NAME)
    rows = await queries.list_staff(
        conn,
        organisation_id=organisation_id,
        role=role,
        after_name=after_name,
        after_id=after_id,
        limit=limit + 1,
    )
    items = [msgspec.convert(dict(row), UserOut) for row in rows]
    return page_of(items, limit, lambda u: (u.name.lower(), u.id))


async def update_user(
    conn: asyncpg.Connection,
    redis: Redis,
    session: Session,
    actor: Actor,
    user_id: str,
    data: UserPatch,
) -> UserOut:
    """Admins edit staff of organisations they manage; anyone may edit their own name,
    phone and password. Deactivating an account ends its sessions; a new password ends
    all but the one that set it."""
    target = await get_user(conn, actor, user_id)
    is_self = target.id == actor.id
    manages = actor.has_role("admin") and await _may_see_staff(conn, actor, target.organisation_id)
    edits_only_own_profile = is_self and data.roles is None and data.active is None
    if not manages and not edits_only_own_profile:
        actor.require_role("admin")
    if is_self and data.active is False:
        raise Conflict("you cannot deactivate your own account")
    if is_self and "admin" in target.roles and data.roles and "admin" not in data.roles:
        await _require_another_admin(conn, target)
    if data.current_password is not None and not (is_self and data.password is not None):
        raise InvalidInput("current_password", "goes only with a new password for your own account")
    if is_self and data.password is not None:
        await _check_current_password(conn, redis, session, actor, data.current_password)
    if data.password is not None:
        _refuse_weak(data.password, email=target.email, name=data.name or target.name)
    password_hash = await passwords.hash_password(data.password) if data.password else None
    row = await queries.update_staff(
        conn,
        id=target.id,
        name=data.name.strip() if data.name else None,
        phone=data.phone,
        roles=sorted(set(data.roles)) if data.roles else None,
        active=data.active,
        password_hash=password_hash,
    )
    if data.active is False or password_hash is not None:
        keep = session.token_hash if is_self else None
        await queries.revoke_staff_tokens(conn, staff_id=target.id, keep_token_hash=keep)
    await account_changed(conn, session.trusted, target.id)
    if data.roles is not None or data.active is False:
        # Answers kept for repeats were shown under the old roles: no replaying them now.
        await idempotency.forget_staff(conn, target.id)
    if data.active is False:
        # Their calendar link stops too: here at once, elsewhere when PostgreSQL notifies.
        await revoke_staff_feeds(conn, target.id)
    changed = [
        field
        for field in data.__struct_fields__
        if getattr(data, field) is not None and field != "current_password"
    ]
    await audit.log_action(
        conn, actor, "staff.update", subject=("staff", target.id), detail={"fields": changed}
    )
    return msgspec.convert(dict(row), UserOut)


async def _require_another_admin(conn: asyncpg.Connection, admin: UserOut) -> None:
    others = await queries.other_active_admins(
        conn, organisation_id=admin.organisation_id, staff_id=admin.id
    )
    if not others:
        raise Conflict(
            "you are your organisation's last active admin; make someone else admin first"
        )


async def _check_current_password(
    conn: asyncpg.Connection, redis: Redis, session: Session, actor: Actor, given: str | None
) -> None:
    """A stolen session alone must not be enough to take the account over; guesses count
    towards the same limit as failed logins from the address."""
    if given is None:
        raise InvalidInput("current_password", "is needed to change your own password")
    await throttle.check(redis, actor.email, session.address)
    if not await passwords.verify_password(await queries.password_hash(conn, id=actor.id), given):
        await throttle.record_failure(redis, actor.email, session.address)
        raise InvalidInput("current_password", "is not your current password")
    await throttle.clear(redis, actor.email, session.address)
