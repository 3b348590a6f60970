"""Programme kinds decide defaults and limits; staff participants take part in a group,
see its sessions in their feed, and gain no reach to its clients."""

from __future__ import annotations

from typing import Any

from httpx import AsyncClient

from service.programmes.kinds import CO_DEVELOPMENT_CLOSING, CO_DEVELOPMENT_THEMES, KINDS, plan_for
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person

BODY: dict[str, Any] = {
    "title": "Kehittäjäryhmä",
    "first_session_date": "2027-03-11",
    "start_time": "13:00",
    "duration_minutes": 150,
    "capacity": 14,
    "location": {"name": "Kaupungintalo"},
    "skip_public_holidays": False,
}


async def _post(api: AsyncClient, coach: Person, **fields: Any) -> Any:
    body = {
        **BODY,
        "organisation_id": coach.organisation_id,
        "facilitator_ids": [coach.id],
        **fields,
    }
    return await api.post("/api/v1/programmes", json=body, headers=coach.headers)


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [error["field"] for error in response.json()["errors"]]


def test_the_kind_table_sets_each_kinds_limits_and_themes() -> None:
    assert plan_for("social_rehabilitation", None, None).meetings == 8
    assert plan_for("social_rehabilitation", None, None).themes == []
    six = plan_for("co_development", 6, None)
    assert six.themes == [*CO_DEVELOPMENT_THEMES[:5], CO_DEVELOPMENT_CLOSING]
    ten = plan_for("co_development", 10, None)
    assert ten.themes[0] == "Aloituskoulutus" and ten.themes[-1] == CO_DEVELOPMENT_CLOSING
    assert len(set(ten.themes)) == 10
    assert plan_for("co_development", 7, ["Oma teema"]).themes == ["Oma teema"]
    assert all(rules.purpose for rules in KINDS.values())


async def test_the_default_kind_is_todays_group(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    created = await _post(api, coach)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "social_rehabilitation"
    assert len(body["sessions"]) == 8
    assert {s["theme"] for s in body["sessions"]} == {None}
    assert body["participant_ids"] == []


async def test_a_co_development_group_gets_pakus_themes(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    created = await _post(api, coach, kind="co_development", weeks=6)
    assert created.status_code == 201, created.text
    themes = [s["theme"] for s in created.json()["sessions"]]
    assert themes == [
        "Aloituskoulutus",
        "Asiakasymmärrys ja persoonat",
        "Palvelupolut",
        "Kriittiset kohdat",
        "Ratkaisuideat",
        "Yhteenveto ja jatko",
    ]
    read = await api.get(f"/api/v1/programmes/{created.json()['id']}", headers=coach.headers)
    assert read.json()["kind"] == "co_development"


async def test_a_kind_refuses_what_it_does_not_allow(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    assert _fields(await _post(api, coach, kind="co_development", weeks=3)) == ["weeks"]
    too_many = await _post(api, coach, kind="co_development", weeks=11)
    assert _fields(too_many) == ["weeks"]
    assert "6–10" in too_many.json()["errors"][0]["message"]
    assert _fields(
        await _post(api, coach, kind="co_development", weeks=6, session_themes=["a"] * 7)
    ) == ["session_themes"]
    assert _fields(await _post(api, coach, kind="peer_support")) == ["kind"]
    # The same number of meetings is fine for the kinds without that limit.
    for kind in ("social_rehabilitation", "group_coaching"):
        assert (await _post(api, coach, kind=kind, weeks=3)).status_code == 201


async def test_programmes_are_listed_by_kind(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    co = (await _post(api, coach, kind="co_development")).json()["id"]
    coaching = (await _post(api, coach, kind="group_coaching")).json()["id"]
    listed = await api.get(
        "/api/v1/programmes",
        params={"kind": "co_development", "organisation_id": coach.organisation_id},
        headers=coach.headers,
    )
    assert listed.status_code == 200, listed.text
    assert [(p["id"], p["kind"]) for p in listed.json()["items"]] == [(co, "co_development")]
    every = await api.get(
        "/api/v1/programmes",
        params={"organisation_id": coach.organisation_id},
        headers=coach.headers,
    )
    assert {p["id"] for p in every.json()["items"]} == {co, coaching}
    wrong = await api.get("/api/v1/programmes", params={"kind": "x"}, headers=coach.headers)
    assert wrong.status_code == 422


async def _co_development(api: AsyncClient, coach: Person, **fields: Any) -> dict[str, Any]:
    return await create_programme(
        api, coach, kind="co_development", skip_public_holidays=False, **fields
    )


async def test_staff_participants_are_added_listed_and_removed(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    group = await _co_development(api, coach)
    worker = await make.staff("referrer", name="Sanna Sosiaalityöntekijä")
    nurse = await make.staff("coach", name="Anni Terveydenhoitaja")
    path = f"/api/v1/programmes/{group['id']}/participants"
    for someone in (worker, nurse):
        added = await api.post(path, json={"staff_id": someone.id}, headers=coach.headers)
        assert added.status_code == 201, added.text
        assert added.json()["staff_id"] == someone.id
    again = await api.post(path, json={"staff_id": worker.id}, headers=coach.headers)
    assert again.status_code == 409
    running = await api.post(path, json={"staff_id": coach.id}, headers=coach.headers)
    assert running.status_code == 409
    listed = await api.get(path, params={"limit": 1}, headers=worker.headers)
    assert [p["name"] for p in listed.json()["items"]] == ["Anni Terveydenhoitaja"]
    rest = await api.get(
        path, params={"cursor": listed.json()["next_cursor"]}, headers=worker.headers
    )
    assert [p["name"] for p in rest.json()["items"]] == ["Sanna Sosiaalityöntekijä"]
    programme = await api.get(f"/api/v1/programmes/{group['id']}", headers=coach.headers)
    assert sorted(programme.json()["participant_ids"]) == sorted([worker.id, nurse.id])
    assert programme.json()["facilitator_ids"] == [coach.id]

    removed = await api.delete(f"{path}/{nurse.id}", headers=coach.headers)
    assert removed.status_code == 204, removed.text
    assert (await api.delete(f"{path}/{nurse.id}", headers=coach.headers)).status_code == 404
    left = await api.get(path, headers=coach.headers)
    assert [p["staff_id"] for p in left.json()["items"]] == [worker.id]


async def test_who_may_add_participants_and_to_which_groups(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    worker = await make.staff("referrer")
    group = await _co_development(api, coach)
    path = f"/api/v1/programmes/{group['id']}/participants"
    outsider = await make.staff("coach")
    refused = await api.post(path, json={"staff_id": worker.id}, headers=outsider.headers)
    assert refused.status_code == 403
    # Taking part does not make one a manager of the group.
    await api.post(path, json={"staff_id": worker.id}, headers=coach.headers)
    other = await make.staff("referrer")
    by_participant = await api.post(path, json={"staff_id": other.id}, headers=worker.headers)
    assert by_participant.status_code == 403
    analyst = await make.staff("analyst")
    assert _fields(await api.post(path, json={"staff_id": analyst.id}, headers=coach.headers)) == [
        "staff_id"
    ]
    unknown = await api.post(path, json={"staff_id": "nope"}, headers=coach.headers)
    assert _fields(unknown) == ["staff_id"]
    missing = await api.post(
        "/api/v1/programmes/00000000-0000-0000-0000-000000000000/participants",
        json={"staff_id": worker.id},
        headers=coach.headers,
    )
    assert missing.status_code == 404
    plain = await create_programme(api, coach)
    wrong_kind = await api.post(
        f"/api/v1/programmes/{plain['id']}/participants",
        json={"staff_id": worker.id},
        headers=coach.headers,
    )
    assert _fields(wrong_kind) == ["staff_id"]
    assert "co_development" in wrong_kind.json()["errors"][0]["message"]


async def test_a_participant_sees_the_sessions_in_their_feed(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    worker = await make.staff("referrer")
    group = await _co_development(api, coach, weeks=7)
    await api.post(
        f"/api/v1/programmes/{group['id']}/participants",
        json={"staff_id": worker.id},
        headers=coach.headers,
    )
    link = await api.post("/api/v1/me/calendar-feed", headers=worker.headers)
    assert link.status_code == 201, link.text
    feed = await api.get(link.json()["url"].removeprefix("http://polku.test"))
    assert feed.status_code == 200
    assert feed.text.count("BEGIN:VEVENT") == 7
    assert "Aloituskoulutus" in feed.text
    await api.delete(
        f"/api/v1/programmes/{group['id']}/participants/{worker.id}", headers=coach.headers
    )
    gone = await api.get(link.json()["url"].removeprefix("http://polku.test"))
    assert gone.text.count("BEGIN:VEVENT") == 0


async def test_taking_part_gives_no_reach_to_the_groups_clients(
    api: AsyncClient, make: Factory
) -> None:
    """A staff participant sees the group's sessions, memos and who of the staff came;
    not its clients, their enrolments, attendance or the group's report."""
    coach = await make.staff("coach")
    # Same organisation as the client, and another one: neither reaches through taking part.
    near = await make.staff("referrer", organisation_id=coach.organisation_id)
    far = await make.staff("coach")
    client = await make.client(coach, first_name="Kehittäjä", last_name="Asiakasnen")
    group = await _co_development(api, coach, first_session_date=days_from_today(-1))
    assert (await enrol(api, coach, group["id"], client)).status_code == 201
    session = group["sessions"][0]["id"]
    marked = await api.put(
        f"/api/v1/sessions/{session}/attendance",
        json={"records": [{"client_id": client, "status": "present"}]},
        headers=coach.headers,
    )
    assert marked.status_code == 200, marked.text
    memo = await api.put(
        f"/api/v1/sessions/{session}/memo",
        json={"text": "Aloitimme palvelupolkujen kuvaamisen."},
        headers=coach.headers,
    )
    assert memo.status_code == 200, memo.text
    for someone in (near, far):
        added = await api.post(
            f"/api/v1/programmes/{group['id']}/participants",
            json={"staff_id": someone.id},
            headers=coach.headers,
        )
        assert added.status_code == 201, added.text
        headers = someone.headers
        assert (
            await api.get(f"/api/v1/sessions/{session}/memo", headers=headers)
        ).status_code == 200
        assert (
            await api.get(f"/api/v1/sessions/{session}/workers-present", headers=headers)
        ).status_code == 200
        assert (await api.get(f"/api/v1/clients/{client}", headers=headers)).status_code == 404
        for path in (
            f"/api/v1/programmes/{group['id']}/enrolments",
            f"/api/v1/sessions/{session}/attendance",
        ):
            answer = await api.get(path, headers=headers)
            assert answer.status_code in {200, 403}, answer.text
            assert client not in answer.text and "Asiakasnen" not in answer.text
        report = await api.get(f"/api/v1/reports/programmes/{group['id']}", headers=headers)
        assert report.status_code == 403
        write = await api.put(
            f"/api/v1/sessions/{session}/memo", json={"text": "Muutos"}, headers=headers
        )
        assert write.status_code == 403


async def test_a_participant_made_a_facilitator_runs_the_group_instead(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    colleague = await make.staff("coach")
    group = await _co_development(api, coach)
    path = f"/api/v1/programmes/{group['id']}/participants"
    await api.post(path, json={"staff_id": colleague.id}, headers=coach.headers)
    patched = await api.patch(
        f"/api/v1/programmes/{group['id']}",
        json={"facilitator_ids": [coach.id, colleague.id]},
        headers=coach.headers,
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["participant_ids"] == []
    assert colleague.id in patched.json()["facilitator_ids"]
