"""Sign-in, tokens, throttling, organisations and staff accounts."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from httpx import AsyncClient
from litestar import Litestar

from service.accounts import throttle
from tests.factories import PASSWORD, Factory, Person


async def sign_in(api: AsyncClient, email: str, password: str = PASSWORD) -> dict:
    response = await api.post("/api/v1/auth/token", json={"email": email, "password": password})
    return {"status": response.status_code, **response.json()}


async def test_sign_in_gives_a_bearer_token_that_works(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach", name="Aino Coach")
    answer = await sign_in(api, coach.email.upper())
    assert answer["status"] == 200
    assert answer["token_type"] == "bearer"
    expires = datetime.fromisoformat(answer["expires_at"])
    assert timedelta(hours=11) < expires - datetime.now(UTC) <= timedelta(hours=12)
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {answer['access_token']}"})
    assert me.status_code == 200
    assert me.json() == {
        "id": coach.id,
        "email": coach.email,
        "name": "Aino Coach",
        "roles": ["coach"],
        "organisation_id": coach.organisation_id,
    }


async def test_tokens_are_stored_only_as_digests(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    token = (await sign_in(api, coach.email))["access_token"]
    stored = await db.fetch("SELECT token_hash FROM access_tokens")
    assert all(token.encode() not in bytes(row["token_hash"]) for row in stored)
    assert len(token) > 40


async def test_wrong_password_and_unknown_email_are_the_same_401(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    wrong = await sign_in(api, coach.email, "not the password")
    unknown = await sign_in(api, "nobody@polku.test")
    assert wrong["status"] == unknown["status"] == 401
    assert wrong["detail"] == unknown["detail"]


async def test_repeated_failures_are_throttled(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        assert (await sign_in(api, coach.email, "guess")).get("status") == 401
    response = await api.post(
        "/api/v1/auth/token", json={"email": coach.email, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert 0 < int(response.headers["retry-after"]) <= throttle.WINDOW_SECONDS
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_failures_from_one_address_do_not_lock_the_account_elsewhere(
    api: AsyncClient, app: Litestar, make: Factory
) -> None:
    coach = await make.staff("coach")
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        assert (await sign_in(api, coach.email, "guess")).get("status") == 401
    assert (await sign_in(api, coach.email))["status"] == 429
    transport = httpx.ASGITransport(app=app, client=("192.0.2.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as office:
        assert (await sign_in(office, coach.email))["status"] == 200


async def test_success_clears_the_failure_count(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT - 1):
        await sign_in(api, coach.email, "guess")
    assert (await sign_in(api, coach.email))["status"] == 200
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT - 1):
        await sign_in(api, coach.email, "guess")
    assert (await sign_in(api, coach.email))["status"] == 200


async def test_logout_revokes_the_token(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    assert (await api.post("/api/v1/auth/logout", headers=coach.headers)).status_code == 204
    assert (await api.get("/api/v1/me", headers=coach.headers)).status_code == 401


async def test_expired_token_and_deactivated_account_are_401(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    expired = await make.staff("coach")
    await db.execute(
        "UPDATE access_tokens SET expires_at = now() - interval '1 second' WHERE staff_id = $1",
        expired.id,
    )
    assert (await api.get("/api/v1/me", headers=expired.headers)).status_code == 401
    deactivated = await make.staff("coach")
    await db.execute("UPDATE staff SET active = false WHERE id = $1", deactivated.id)
    response = await api.get("/api/v1/me", headers=deactivated.headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert (await sign_in(api, deactivated.email))["status"] == 401


async def test_missing_or_malformed_authorization_is_401(api: AsyncClient) -> None:
    for headers in [{}, {"Authorization": "Basic abc"}, {"Authorization": "Bearer nope"}]:
        assert (await api.get("/api/v1/me", headers=headers)).status_code == 401


async def test_admin_creates_partner_organisation_and_its_staff(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    created = await api.post(
        "/api/v1/organisations", json={"name": "Askel ry", "kind": "ngo"}, headers=admin.headers
    )
    assert created.status_code == 201, created.text
    partner = created.json()
    assert partner["managed_by"] == admin.organisation_id
    duplicate = await api.post(
        "/api/v1/organisations", json={"name": "ASKEL RY", "kind": "ngo"}, headers=admin.headers
    )
    assert duplicate.status_code == 409
    assert duplicate.json()["existing_id"] == partner["id"]

    user = {
        "email": "aino@askel.example",
        "name": "Aino Lahtinen",
        "password": "a long enough password",
        "roles": ["coach", "coach"],
        "organisation_id": partner["id"],
    }
    response = await api.post("/api/v1/users", json=user, headers=admin.headers)
    assert response.status_code == 201, response.text
    assert response.json()["roles"] == ["coach"]
    assert "password" not in response.json()
    assert (await sign_in(api, "aino@askel.example", "a long enough password"))["status"] == 200
    again = await api.post("/api/v1/users", json=user, headers=admin.headers)
    assert again.status_code == 409


async def test_admin_cannot_create_staff_in_an_organisation_it_does_not_manage(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    elsewhere = await make.organisation()
    response = await api.post(
        "/api/v1/users",
        json={
            "email": "x@y.example",
            "name": "X",
            "password": "a long enough password",
            "roles": ["coach"],
            "organisation_id": elsewhere,
        },
        headers=admin.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "organisation_id"


async def test_only_admins_manage_accounts(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    organisation = await api.post(
        "/api/v1/organisations", json={"name": "X ry", "kind": "ngo"}, headers=coach.headers
    )
    assert organisation.status_code == 403
    user = await api.post(
        "/api/v1/users",
        json={
            "email": "a@b.example",
            "name": "A",
            "password": "a long enough password",
            "roles": ["admin"],
            "organisation_id": coach.organisation_id,
        },
        headers=coach.headers,
    )
    assert user.status_code == 403


async def test_staff_edit_own_profile_but_not_own_roles(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    own = await api.patch(
        f"/api/v1/users/{coach.id}", json={"phone": "+358 40 123 4567"}, headers=coach.headers
    )
    assert own.status_code == 200
    assert own.json()["phone"] == "+358 40 123 4567"
    roles = await api.patch(
        f"/api/v1/users/{coach.id}", json={"roles": ["admin"]}, headers=coach.headers
    )
    assert roles.status_code == 403


async def test_deactivation_by_admin_ends_sessions(api: AsyncClient, make: Factory) -> None:
    admin = await make.staff("admin")
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    response = await api.patch(
        f"/api/v1/users/{coach.id}", json={"active": False}, headers=admin.headers
    )
    assert response.status_code == 200
    assert (await api.get("/api/v1/me", headers=coach.headers)).status_code == 401
    itself = await api.patch(
        f"/api/v1/users/{admin.id}", json={"active": False}, headers=admin.headers
    )
    assert itself.status_code == 409


async def test_staff_lists_are_per_organisation(api: AsyncClient, make: Factory) -> None:
    admin = await make.staff("admin")
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    stranger = await make.staff("coach")
    own = await api.get("/api/v1/users", params={"role": "coach"}, headers=admin.headers)
    assert [u["id"] for u in own.json()["items"]] == [coach.id]
    other = await api.get(
        "/api/v1/users", params={"organisation_id": stranger.organisation_id}, headers=coach.headers
    )
    assert other.status_code == 422
    assert (await api.get(f"/api/v1/users/{stranger.id}", headers=coach.headers)).status_code == 404


async def change_own_password(api: AsyncClient, person: Person, **body: str) -> httpx.Response:
    return await api.patch(f"/api/v1/users/{person.id}", json=body, headers=person.headers)


async def test_changing_ones_own_password_needs_the_current_one(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    new = "my own new passphrase"
    for body in ({"password": new}, {"password": new, "current_password": "not it at all"}):
        refused = await change_own_password(api, coach, **body)
        assert refused.status_code == 422, refused.text
        assert [e["field"] for e in refused.json()["errors"]] == ["current_password"]
    assert (await sign_in(api, coach.email, new))["status"] == 401
    stray = await change_own_password(api, coach, current_password=PASSWORD)
    assert stray.status_code == 422
    assert stray.json()["errors"][0]["field"] == "current_password"

    changed = await change_own_password(api, coach, password=new, current_password=PASSWORD)
    assert changed.status_code == 200, changed.text
    assert (await sign_in(api, coach.email, new))["status"] == 200
    assert (await sign_in(api, coach.email, PASSWORD))["status"] == 401


async def test_a_new_own_password_ends_the_other_sessions_only(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    phone = {"Authorization": f"Bearer {(await sign_in(api, coach.email))['access_token']}"}
    assert (await api.get("/api/v1/me", headers=phone)).status_code == 200
    changed = await change_own_password(
        api, coach, password="my own new passphrase", current_password=PASSWORD
    )
    assert changed.status_code == 200, changed.text
    assert (await api.get("/api/v1/me", headers=coach.headers)).status_code == 200
    assert (await api.get("/api/v1/me", headers=phone)).status_code == 401


async def test_guessing_the_current_password_is_throttled_like_logins(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    for _ in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        guess = await change_own_password(
            api, coach, password="my own new passphrase", current_password="a guess"
        )
        assert guess.status_code == 422
    right = await change_own_password(
        api, coach, password="my own new passphrase", current_password=PASSWORD
    )
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) > 0
    assert (await sign_in(api, coach.email))["status"] == 429  # one count for both


async def test_an_admin_setting_anothers_password_ends_all_their_sessions(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    coach = await make.staff("coach", organisation_id=admin.organisation_id)
    phone = {"Authorization": f"Bearer {(await sign_in(api, coach.email))['access_token']}"}
    for headers in (coach.headers, phone):
        assert (await api.get("/api/v1/me", headers=headers)).status_code == 200
    reset = await api.patch(
        f"/api/v1/users/{coach.id}", json={"password": "set by the admin"}, headers=admin.headers
    )
    assert reset.status_code == 200, reset.text
    for headers in (coach.headers, phone):
        assert (await api.get("/api/v1/me", headers=headers)).status_code == 401
    assert (await api.get("/api/v1/me", headers=admin.headers)).status_code == 200
    assert (await sign_in(api, coach.email, "set by the admin"))["status"] == 200


async def test_easily_guessed_passwords_are_refused_naming_password(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    user = {
        "email": "aino.lahtinen@askel.example",
        "name": "Aino Lahtinen",
        "roles": ["coach"],
        "organisation_id": admin.organisation_id,
    }
    for weak in ("zzzzzzzzzzzz", "Aino.Lahtinen", "aino lahtinen", "Password123"):
        created = await api.post(
            "/api/v1/users", json={**user, "password": weak}, headers=admin.headers
        )
        assert created.status_code == 422, weak
        [error] = created.json()["errors"]
        assert error["field"] == "password"
    created = await api.post(
        "/api/v1/users", json={**user, "password": "a long enough password"}, headers=admin.headers
    )
    assert created.status_code == 201, created.text

    coach_id = created.json()["id"]
    reset = await api.patch(
        f"/api/v1/users/{coach_id}", json={"password": "qwertyuiop"}, headers=admin.headers
    )
    assert reset.status_code == 422
    assert reset.json()["errors"][0]["field"] == "password"
    own = await change_own_password(
        api, admin, password=admin.email.upper(), current_password=PASSWORD
    )
    assert own.status_code == 422
    assert own.json()["errors"][0]["field"] == "password"
    assert (await sign_in(api, admin.email))["status"] == 200


async def test_the_last_active_admin_cannot_drop_their_own_admin_role(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    admin = await make.staff("admin", "coach")
    other = await make.staff("admin", organisation_id=admin.organisation_id)
    await db.execute("UPDATE staff SET active = false WHERE id = $1", other.id)
    await make.staff("admin")  # of another organisation: no help
    drop = {"roles": ["coach"]}
    refused = await api.patch(f"/api/v1/users/{admin.id}", json=drop, headers=admin.headers)
    assert refused.status_code == 409, refused.text
    assert "last active admin" in refused.json()["detail"]
    assert (await api.get("/api/v1/me", headers=admin.headers)).json()["roles"] == [
        "admin",
        "coach",
    ]
    await db.execute("UPDATE staff SET active = true WHERE id = $1", other.id)
    dropped = await api.patch(f"/api/v1/users/{admin.id}", json=drop, headers=admin.headers)
    assert dropped.status_code == 200, dropped.text


async def test_two_admins_dropping_their_admin_role_at_once_leave_one(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    first = await make.staff("admin", "coach")
    second = await make.staff("admin", "coach", organisation_id=first.organisation_id)
    answers = await asyncio.gather(
        *(
            api.patch(f"/api/v1/users/{a.id}", json={"roles": ["coach"]}, headers=a.headers)
            for a in (first, second)
        )
    )
    assert sorted(answer.status_code for answer in answers) == [200, 409]
    admins = await db.fetchval(
        "SELECT count(*) FROM staff WHERE organisation_id = $1 AND 'admin' = ANY (roles)",
        first.organisation_id,
    )
    assert admins == 1


async def test_organisation_search_takes_wildcards_literally(
    api: AsyncClient, make: Factory
) -> None:
    admin = await make.staff("admin")
    for name in ("Askel ry", "Apu 100% ry", "Tuki_piste", "Polku\\Arki"):
        await make.organisation(name=name)

    async def found(q: str) -> list[str]:
        response = await api.get("/api/v1/organisations", params={"q": q}, headers=admin.headers)
        assert response.status_code == 200, response.text
        return [o["name"] for o in response.json()["items"]]

    assert await found("%") == ["Apu 100% ry"]
    assert await found("_") == ["Tuki_piste"]
    assert await found("\\") == ["Polku\\Arki"]
    assert await found("a%y") == []
    assert await found("ASKEL") == ["Askel ry"]
