"""Closing a client relationship (issue 21, point 3): who may, what it ends (reach for all
but the organisation's admins, messages not yet sent, open follow-ups, page and feed
links), retention ten years on, and legal holds placed and lifted by admins."""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg
from httpx import AsyncClient, Response

from service.base.clock import today_in_finland
from service.composers.data_rights.rules import retention_until
from service.outcomes import follow_ups
from tests.factories import Factory, Person


async def close(api: AsyncClient, who: Person, client_id: str, **body: object) -> Response:
    payload = {"closed_on": today_in_finland().isoformat(), "reason": "Moved away", **body}
    return await api.post(f"/api/v1/clients/{client_id}/close", json=payload, headers=who.headers)


async def plan_coach(db: asyncpg.Connection, client_id: str, coach: Person) -> str:
    plan_id: str = await db.fetchval(
        "INSERT INTO plans (client_id, kind, starts_on) "
        "VALUES ($1, 'goal_coaching', current_date - 10) RETURNING id",
        client_id,
    )
    await db.execute(
        "INSERT INTO plan_coaches (plan_id, staff_id) VALUES ($1, $2)", plan_id, coach.id
    )
    return plan_id


async def pending_message(db: asyncpg.Connection, client_id: str) -> str:
    message_id: str = await db.fetchval(
        "INSERT INTO messages (client_id, kind, channel, scheduled_for) "
        "VALUES ($1, 'reminder', 'email', now() + interval '1 day') RETURNING id",
        client_id,
    )
    return message_id


def test_retention_runs_ten_years_from_the_day_it_closed() -> None:
    assert retention_until(date(2026, 12, 6)) == date(2036, 12, 6)
    assert retention_until(date(2028, 2, 29)) == date(2038, 2, 28)


async def test_the_responsible_worker_closes_and_reach_narrows_to_the_admins(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    await plan_coach(db, client_id, coach)
    closed_on = today_in_finland() - timedelta(days=3)
    await db.execute(
        "UPDATE clients SET created_at = now() - interval '30 days' WHERE id = $1", client_id
    )

    response = await close(api, worker, client_id, closed_on=closed_on.isoformat())
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["closed_on"] == closed_on.isoformat()
    assert body["retention_until"] == retention_until(closed_on).isoformat()
    assert body["closed_by"] == worker.id

    for gone in (worker, coach):
        read = await api.get(f"/api/v1/clients/{client_id}", headers=gone.headers)
        assert read.status_code == 404, read.text
        listed = await api.get("/api/v1/clients", headers=gone.headers)
        assert client_id not in {item["id"] for item in listed.json()["items"]}
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=admin.headers)).status_code == 200
    listed = await api.get("/api/v1/clients", headers=admin.headers)
    assert client_id in {item["id"] for item in listed.json()["items"]}

    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=admin.headers)
    closed = [e for e in pathway.json()["events"] if e["kind"] == "client.closed"]
    assert closed and closed[0]["details"] == {"closed_on": closed_on.isoformat()}

    audited = await db.fetchrow(
        "SELECT actor_id, detail FROM audit_events "
        "WHERE client_id = $1 AND action = 'client.close'",
        client_id,
    )
    assert audited["actor_id"] == worker.id
    assert audited["detail"]["reason"] == "Moved away"


async def test_closing_cancels_what_is_pending_and_revokes_links(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker, email="anna@example.test")
    other_id = await make.client(worker)
    message_id = await pending_message(db, client_id)
    sent_id = await db.fetchval(
        "INSERT INTO messages (client_id, kind, channel, scheduled_for, status, sent_at) "
        "VALUES ($1, 'reminder', 'email', now(), 'sent', now()) RETURNING id",
        client_id,
    )
    others_message = await pending_message(db, other_id)
    exit_id = await db.fetchval(
        "INSERT INTO exits (client_id, left_on, situation, recorded_by) "
        "VALUES ($1, current_date - 200, 'job_seeking', $2) RETURNING id",
        client_id,
        worker.id,
    )
    await db.execute(
        "INSERT INTO follow_ups (client_id, exit_id, due_on) VALUES ($1, $2, current_date - 1)",
        client_id,
        exit_id,
    )
    await db.execute(
        "INSERT INTO client_page_links (client_id, token_hash, created_by, expires_at) "
        "VALUES ($1, 'page-secret', $2, now() + interval '90 days')",
        client_id,
        worker.id,
    )
    await db.execute(
        "INSERT INTO calendar_feeds (token_hash, client_id, created_by) "
        "VALUES ('feed-secret', $1, $2)",
        client_id,
        worker.id,
    )

    response = await close(api, worker, client_id)
    assert response.status_code == 200, response.text
    assert response.json()["cancelled_messages"] == 1
    assert response.json()["cancelled_follow_ups"] == 1
    assert response.json()["revoked_links"] == 2

    statuses = dict(
        await db.fetch(
            "SELECT id, status FROM messages WHERE id = ANY ($1::uuid[])",
            [message_id, sent_id, others_message],
        )
    )
    assert statuses == {message_id: "cancelled", sent_id: "sent", others_message: "pending"}
    assert await db.fetchval(
        "SELECT bool_and(revoked_at IS NOT NULL) FROM client_page_links WHERE client_id = $1",
        client_id,
    )
    assert await db.fetchval(
        "SELECT bool_and(revoked_at IS NOT NULL) FROM calendar_feeds WHERE client_id = $1",
        client_id,
    )
    assert await db.fetchval("SELECT status FROM follow_ups WHERE client_id = $1", client_id) == (
        "cancelled"
    )
    # Written after the close (a group's session moved, say): born cancelled.
    later = await pending_message(db, client_id)
    assert await db.fetchval("SELECT status FROM messages WHERE id = $1", later) == "cancelled"


async def test_the_daily_pass_never_asks_a_closed_client(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker)
    assert (await close(api, worker, client_id)).status_code == 200
    # A follow-up scheduled after the close (an admin recording an exit late).
    exit_id = await db.fetchval(
        "INSERT INTO exits (client_id, left_on, situation, recorded_by) "
        "VALUES ($1, current_date - 200, 'job_seeking', $2) RETURNING id",
        client_id,
        worker.id,
    )
    await db.execute(
        "INSERT INTO follow_ups (client_id, exit_id, due_on) VALUES ($1, $2, current_date - 1)",
        client_id,
        exit_id,
    )
    async with db.transaction():
        assert await follow_ups.ask_due(db) == 0
    assert await db.fetchval("SELECT status FROM follow_ups WHERE client_id = $1", client_id) == (
        "scheduled"
    )
    assert not await db.fetchval(
        "SELECT count(*) FROM messages WHERE client_id = $1 AND kind = 'follow_up'", client_id
    )


async def test_who_may_close(api: AsyncClient, make: Factory, db: asyncpg.Connection) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    stranger = await make.staff("coach", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    await plan_coach(db, client_id, coach)

    refused = await close(api, coach, client_id)
    assert refused.status_code == 403, refused.text
    assert (await close(api, stranger, client_id)).status_code == 404
    assert (await close(api, admin, "not-an-id")).status_code == 404
    assert (await close(api, admin, client_id)).status_code == 200
    again = await close(api, admin, client_id)
    assert again.status_code == 409, again.text
    # The responsible worker no longer reaches the closed client: the same 404 as anyone.
    assert (await close(api, worker, client_id)).status_code == 404


async def test_closing_refuses_a_wrong_day_or_reason(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker)
    today = today_in_finland()
    for body, field, words in [
        ({"closed_on": (today + timedelta(days=1)).isoformat()}, "closed_on", "future"),
        ({"closed_on": (today - timedelta(days=5)).isoformat()}, "closed_on", "recorded"),
        ({"reason": ""}, "reason", ""),
        ({"reason": "   "}, "reason", "blank"),
        ({"reason": "x" * 1001}, "reason", ""),
        ({"closed_on": "2026-13-01"}, "closed_on", ""),
        ({"closed_on": "1999-12-31"}, "closed_on", ""),
    ]:
        refused = await close(api, worker, client_id, **body)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == field, refused.text
        assert words in refused.json()["errors"][0]["message"]
    missing = await api.post(
        f"/api/v1/clients/{client_id}/close",
        json={"closed_on": today.isoformat()},
        headers=worker.headers,
    )
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "reason"
    assert not await db.fetchval("SELECT closed_at FROM clients WHERE id = $1", client_id)


async def test_legal_holds_are_placed_and_lifted_by_admins_with_a_reason(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    other_admin = await make.staff("admin")
    client_id = await make.client(worker)
    path = f"/api/v1/clients/{client_id}/legal-hold"

    assert (
        await api.post(path, json={"reason": "Appeal pending"}, headers=worker.headers)
    ).status_code == 403
    assert (
        await api.post(path, json={"reason": "Appeal pending"}, headers=other_admin.headers)
    ).status_code == 404
    blank = await api.post(path, json={"reason": ""}, headers=admin.headers)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"

    placed = await api.post(path, json={"reason": "Appeal pending"}, headers=admin.headers)
    assert placed.status_code == 201, placed.text
    assert placed.json()["reason"] == "Appeal pending"
    assert placed.json()["lifted_at"] is None
    twice = await api.post(path, json={"reason": "Another"}, headers=admin.headers)
    assert twice.status_code == 409

    listed = await api.get(f"/api/v1/clients/{client_id}/legal-holds", headers=admin.headers)
    assert [h["id"] for h in listed.json()["items"]] == [placed.json()["id"]]
    assert (await api.delete(path, headers=worker.headers)).status_code == 403

    lifted = await api.delete(path, params={"reason": "Appeal decided"}, headers=admin.headers)
    assert lifted.status_code == 204, lifted.text
    listed = await api.get(f"/api/v1/clients/{client_id}/legal-holds", headers=admin.headers)
    assert listed.json()["items"][0]["lifted_by"] == admin.id
    assert (await api.delete(path, headers=admin.headers)).status_code == 204  # none stands

    events = await db.fetch(
        "SELECT action, detail FROM audit_events WHERE client_id = $1 "
        "AND action LIKE 'legal_hold.%' AND action <> 'legal_hold.list' ORDER BY id",
        client_id,
    )
    actions = [(e["action"], e["detail"]) for e in events if e["detail"] is not None]
    assert [a for a, _ in actions] == ["legal_hold.place", "legal_hold.lift"]
    assert actions[0][1] == {"reason": "Appeal pending"}
    assert actions[1][1] == {"reason": "Appeal decided", "hold_reason": "Appeal pending"}


async def test_a_closed_client_can_be_held_by_its_admins(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    assert (await close(api, worker, client_id)).status_code == 200
    placed = await api.post(
        f"/api/v1/clients/{client_id}/legal-hold",
        json={"reason": "Police request"},
        headers=admin.headers,
    )
    assert placed.status_code == 201, placed.text
    pathway = await api.get(f"/api/v1/clients/{client_id}/pathway", headers=admin.headers)
    kinds = [e["kind"] for e in pathway.json()["events"]]
    assert "client.closed" in kinds and "legal_hold.placed" in kinds


async def test_a_closed_client_gets_no_new_links(api: AsyncClient, make: Factory) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    client_id = await make.client(worker, email="anna@example.test")
    for purpose in ("client_page", "calendar_feed", "email_reminders"):
        await make.consent(client_id, purpose, worker)
    given = await api.post(f"/api/v1/clients/{client_id}/page-link", headers=worker.headers)
    assert given.status_code == 201, given.text
    assert (await close(api, worker, client_id)).status_code == 200
    assert (await api.get(given.json()["url"].removeprefix("http://polku.test"))).status_code == 404
    for path, body in [
        ("page-link", None),
        ("page-link/send", {"channel": "email"}),
        ("calendar-feed", None),
    ]:
        refused = await api.post(
            f"/api/v1/clients/{client_id}/{path}", json=body, headers=admin.headers
        )
        assert refused.status_code == 409, (path, refused.text)
        assert "closed" in refused.json()["detail"]


async def test_an_exit_recorded_after_closing_schedules_no_follow_up(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    client_id = await make.client(worker)
    assert (await close(api, worker, client_id)).status_code == 200
    recorded = await api.post(
        f"/api/v1/clients/{client_id}/exits",
        json={"left_on": today_in_finland().isoformat(), "situation": "employed"},
        headers=admin.headers,
    )
    assert recorded.status_code == 201, recorded.text
    held = await db.fetchval("SELECT count(*) FROM follow_ups WHERE client_id = $1", client_id)
    assert held == 0
