"""A staff member's day in one call: their sessions with attendance still to record and
the clients' answers, their meetings, stalled paths, follow-ups that fell to them, exits
to record, unread notices; clients by first name and surname initial, only in reach."""

from __future__ import annotations

from datetime import timedelta

import asyncpg
from httpx import AsyncClient

from service.base.clock import today_in_finland
from tests.api.coaching import create_plan
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.api.test_client_close import plan_coach
from tests.api.test_meetings import plan_meeting
from tests.factories import Factory, Person


async def worklist(api: AsyncClient, who: Person, **params: str) -> dict:
    response = await api.get("/api/v1/me/worklist", params=params, headers=who.headers)
    assert response.status_code == 200, response.text
    body: dict = response.json()
    return body


async def test_a_coachs_day_in_one_answer(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    group = await create_programme(
        api, coach, first_session_date=days_from_today(-7), skip_public_holidays=False
    )
    anna = await make.client(coach, first_name="Anna", last_name="Salainen")
    ben = await make.client(coach, first_name="Ben", last_name="Testinen")
    for client_id in (anna, ben):
        assert (await enrol(api, coach, group["id"], client_id)).status_code == 201
    held, coming = group["sessions"][0], group["sessions"][1]
    await db.execute(
        "INSERT INTO rsvps (client_id, session_id, answer, via) VALUES ($1, $2, 'not_coming', "
        "'sms')",
        anna,
        coming["id"],
    )
    plan = await create_plan(api, coach, anna)
    meeting = await plan_meeting(api, coach, plan["id"])

    week = await worklist(api, coach, **{"from": days_from_today(-1), "to": days_from_today(13)})
    by_id = {s["id"]: s for s in week["sessions"]}
    assert by_id[held["id"]]["attendance_to_record"] == 2  # held last week, not recorded
    assert (by_id[coming["id"]]["coming"], by_id[coming["id"]]["not_coming"]) == (0, 1)
    assert [(m["id"], m["client_name"]) for m in week["meetings"]] == [
        (meeting["id"], "Anna S.")
    ]  # in three days
    assert "Salainen" not in str(week)

    recorded = await api.put(
        f"/api/v1/sessions/{held['id']}/attendance",
        json={"records": [{"client_id": c, "status": "present"} for c in (anna, ben)]},
        headers=coach.headers,
    )
    assert recorded.status_code == 200
    again = await worklist(api, coach, **{"from": days_from_today(-1), "to": days_from_today(13)})
    assert {s["id"]: s for s in again["sessions"]}[held["id"]]["attendance_to_record"] == 0

    stranger = await make.staff("coach")
    theirs = await worklist(api, stranger)
    assert theirs["sessions"] == theirs["meetings"] == theirs["stalled"] == []


async def test_follow_ups_and_exits_fall_to_the_responsible_worker(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    group = await create_programme(api, worker)
    anna = await make.client(worker, first_name="Anna", last_name="Salainen")
    enrolled = await enrol(api, worker, group["id"], anna)
    withdrawn = await api.post(
        f"/api/v1/enrolments/{enrolled.json()['id']}/withdraw",
        json={"reason": "Muutti"},
        headers=worker.headers,
    )
    assert withdrawn.status_code == 200, withdrawn.text
    day = await worklist(api, worker)
    assert [(e["client_name"], e["programme_id"]) for e in day["exits_to_record"]] == [
        ("Anna S.", group["id"])
    ]
    left = await api.post(
        f"/api/v1/clients/{anna}/exits",
        json={"left_on": today_in_finland().isoformat(), "situation": "job_seeking"},
        headers=worker.headers,
    )
    assert left.status_code == 201, left.text
    day = await worklist(api, worker)
    assert day["exits_to_record"] == [] and day["follow_ups"] == []
    await db.execute(
        "UPDATE follow_ups SET status = 'asked', asked_at = now() - interval '15 days'"
    )
    day = await worklist(api, worker)
    assert [(f["client_name"], f["client_id"]) for f in day["follow_ups"]] == [("Anna S.", anna)]
    other = await make.staff("coach")
    assert (await worklist(api, other))["follow_ups"] == []
    # Out of his reach (her record moved to another organisation, which shares nothing
    # with his), the follow-up is not shown, though he is still her worker.
    other_org = await make.organisation()
    await db.execute("UPDATE clients SET organisation_id = $1 WHERE id = $2", other_org, anna)
    assert (await worklist(api, worker))["follow_ups"] == []
    await db.execute(
        "UPDATE clients SET organisation_id = $1 WHERE id = $2", worker.organisation_id, anna
    )
    # A coaching plan that ended two days ago is an exit to record too.
    plan = await create_plan(api, worker, anna)
    await db.execute("UPDATE plans SET ends_on = current_date - 2 WHERE id = $1", plan["id"])
    await db.execute("DELETE FROM exits")
    day = await worklist(api, worker)
    assert [(e["plan_id"], e["programme_id"]) for e in day["exits_to_record"]] == [
        (None, group["id"]),
        (plan["id"], None),
    ]


async def test_the_period_is_a_day_to_a_month(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    today = today_in_finland()
    day = await worklist(api, coach)
    assert day["first_day"] == day["last_day"] == today.isoformat()
    for params, field in [
        ({"from": today.isoformat(), "to": (today - timedelta(days=1)).isoformat()}, "to"),
        ({"from": today.isoformat(), "to": (today + timedelta(days=40)).isoformat()}, "to"),
        ({"from": "1.1.2027"}, "from"),
    ]:
        refused = await api.get("/api/v1/me/worklist", params=params, headers=coach.headers)
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == field


async def test_the_list_names_counts_and_logs_only_clients_still_in_reach(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    coach = await make.staff("coach", organisation_id=worker.organisation_id)
    anna = await make.client(worker, first_name="Anna", last_name="Salainen")
    ben = await make.client(worker, first_name="Ben", last_name="Testinen")
    plans = {}
    for client_id in (anna, ben):
        plans[client_id] = await plan_coach(db, client_id, coach)
        await plan_meeting(api, coach, plans[client_id])
        sms = await db.fetchval(
            "INSERT INTO inbound_sms (gateway_id, received_at, handled_as, client_id, text) "
            "VALUES ($1, now(), 'forwarded', $2, 'Tuun huomenna') RETURNING id",
            f"gw-{client_id}",
            client_id,
        )
        await db.execute(
            "INSERT INTO notices (staff_id, kind, client_id, inbound_sms_id) "
            "VALUES ($1, 'client_message', $2, $3)",
            coach.id,
            client_id,
            sms,
        )
    week = {"from": days_from_today(0), "to": days_from_today(6)}
    both = await worklist(api, coach, **week)
    assert sorted(m["client_name"] for m in both["meetings"]) == ["Anna S.", "Ben T."]
    assert both["unread_notices"] == 2

    # Ben's plan ended 31 days ago: the coach's reach to him ended with its 30 days.
    await db.execute(
        "UPDATE plans SET starts_on = current_date - 60, ends_on = current_date - 31 WHERE id = $1",
        plans[ben],
    )
    one = await worklist(api, coach, **week)
    assert [m["client_name"] for m in one["meetings"]] == ["Anna S."]
    assert one["unread_notices"] == 1
    assert "Ben" not in str(one)
    logged = await db.fetch(
        "SELECT client_id, count(*) FROM audit_events "
        "WHERE actor_id = $1 AND action = 'worklist.read' GROUP BY client_id",
        coach.id,
    )
    assert dict(logged) == {anna: 2, ben: 1}
