"""HTTP routes for sign-in, organisations and staff accounts."""

from __future__ import annotations

from typing import Any

from litestar import Request, get, patch, post
from litestar.di import NamedDependency
from litestar.params import FromQuery, JSONBody
from redis.asyncio import Redis

from service.accounts import organisations, signing_in, staff
from service.accounts.types import (
    Me,
    OrganisationIn,
    OrganisationKind,
    OrganisationOut,
    Role,
    TokenOut,
    TokenRequest,
    UserIn,
    UserOut,
    UserPatch,
)
from service.base.http import Conn, PathId, api_router
from service.base.identity import CurrentActor, client_address, session_of
from service.base.pagination import Cursor, IdQuery, Limit, Page, Search
from service.base.problems import problems
from service.base.settings import Settings


@post(
    "/auth/token",
    status_code=200,
    responses=problems(401, 422, 429),
    summary="Sign in with e-mail and password",
)
async def create_token(
    request: Request[Any, Any, Any],
    data: JSONBody[TokenRequest],
    conn: Conn,
    redis: NamedDependency[Redis],
    settings: NamedDependency[Settings],
) -> TokenOut:
    """Sign in with e-mail and password.

    Answers a bearer token for `Authorization: Bearer <token>` with its expiry; 401 on bad
    credentials, 429 after repeated failures from one address or for one account.
    """
    return await signing_in.login(
        conn,
        redis,
        email=data.email,
        password=data.password,
        address=client_address(request),
        token_ttl=settings.token_ttl,
    )


@post("/auth/logout", status_code=204, responses=problems(401), summary="Revoke this token")
async def logout(request: Request[Any, Any, Any], conn: Conn, actor: CurrentActor) -> None:
    """Revoke this token.

    The token used for this request stops working at once, on every API process.
    """
    await signing_in.logout(conn, session_of(request), actor)


@get("/me", responses=problems(401), summary="The signed-in staff member")
async def get_me(actor: CurrentActor) -> Me:
    """The signed-in staff member.

    Their id, e-mail, name, roles and organisation.
    """
    return signing_in.me(actor)


@post("/organisations", responses=problems(401, 403, 409, 422))
async def create_organisation(
    data: JSONBody[OrganisationIn], conn: Conn, actor: CurrentActor
) -> OrganisationOut:
    """Add an organisation (admins).

    A municipality, wellbeing county, NGO, provider or state agency whose staff use Polku.
    """
    return await organisations.create_organisation(conn, actor, data)


@get("/organisations", responses=problems(401, 422))
async def list_organisations(
    conn: Conn,
    actor: CurrentActor,
    q: Search = None,
    kind: FromQuery[OrganisationKind | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[OrganisationOut]:
    """Organisations, by name.

    `q` keeps those whose name matches every word, `kind` those of one kind.
    """
    return await organisations.list_organisations(conn, q=q, kind=kind, limit=limit, cursor=cursor)


@get("/organisations/{organisation_id:str}", responses=problems(401, 404))
async def get_organisation(
    organisation_id: PathId, conn: Conn, actor: CurrentActor
) -> OrganisationOut:
    """One organisation.

    Its name, kind and the organisation managing it, if any.
    """
    return await organisations.get_organisation(conn, organisation_id)


@post("/users", responses=problems(401, 403, 409, 422))
async def create_user(data: JSONBody[UserIn], conn: Conn, actor: CurrentActor) -> UserOut:
    """Add a staff account (admins of the organisation).

    Roles are a subset of admin, coach, referrer and analyst; the password is checked
    for strength.
    """
    return await staff.create_user(conn, actor, data)


@get("/users", responses=problems(401, 422))
async def list_users(
    conn: Conn,
    actor: CurrentActor,
    organisation_id: IdQuery = None,
    role: FromQuery[Role | None] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> Page[UserOut]:
    """Staff accounts of your organisation, by name.

    `organisation_id` and `role` narrow the list; admins see the organisations they manage.
    """
    return await staff.list_users(
        conn, actor, organisation_id=organisation_id, role=role, limit=limit, cursor=cursor
    )


@get("/users/{user_id:str}", responses=problems(401, 404))
async def get_user(user_id: PathId, conn: Conn, actor: CurrentActor) -> UserOut:
    """One staff account.

    404 for an account outside the organisations you may see.
    """
    return await staff.get_user(conn, actor, user_id)


@patch(
    "/users/{user_id:str}",
    responses=problems(401, 403, 404, 409, 422, 429),
    description="Changing one's own password needs `current_password`, and ends every other "
    "session of the account; an admin setting another's password ends all of theirs.",
)
async def update_user(
    request: Request[Any, Any, Any],
    user_id: PathId,
    data: JSONBody[UserPatch],
    conn: Conn,
    actor: CurrentActor,
    redis: NamedDependency[Redis],
) -> UserOut:
    """Change a staff account: name, roles, active, password.

    A role change or deactivation takes effect on every API process within a second;
    changing one's own password needs `current_password`.
    """
    return await staff.update_user(conn, redis, session_of(request), actor, user_id, data)


routers = [
    api_router("accounts", [create_token], public=True),
    api_router(
        "accounts",
        [
            logout,
            get_me,
            create_organisation,
            list_organisations,
            get_organisation,
            create_user,
            list_users,
            get_user,
            update_user,
        ],
    ),
]
