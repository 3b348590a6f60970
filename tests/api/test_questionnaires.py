"""Questionnaires as data, rounds, anonymous answers and results by role (issue 19,
point 3): validation naming the field, versions, one answer per participant changeable
until the round closes, no link from an anonymous answer to its writer in the database,
the role split with small cells suppressed, and a client answering on their page."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient

from service.base.settings import Settings
from service.composers.demo import seed_demo
from service.composers.demo.cast import COACH
from service.composers.questionnaires import rounds
from service.composers.questionnaires.definitions import SHIPPED, shipped
from tests.api.client_page import form_token, page_link
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.api.test_client_page_personal import opened, sms_client
from tests.api.test_page_accessibility import loads_nothing
from tests.chromium import axe
from tests.factories import Factory, Person

MIGRATION = Path(__file__).parents[2] / "db" / "migrations" / "0035_questionnaires.sql"
GOOD = {"got_support": True, "new_plans": False, "group_useful": 4, "comment": "Hyvä"}


@pytest.fixture(autouse=True)
async def _no_cookies_between_tests(api: AsyncClient) -> AsyncIterator[None]:
    api.cookies.clear()
    yield
    api.cookies.clear()


def _definition(**fields: Any) -> dict[str, Any]:
    text = {"fi": "Kysymys", "sv": "Fråga", "en": "Question"}
    return {
        "key": "pilot_form",
        "version": 1,
        "title": {"fi": "Kokeilu", "sv": "Försök", "en": "Pilot"},
        "items": [
            {"key": "useful", "kind": "scale_1_5", "text": text},
            {"key": "again", "kind": "yes_no", "text": text},
            {"key": "say", "kind": "text", "text": text},
        ],
        **fields,
    }


def _decoded(value: Any) -> Any:
    """A jsonb value as the connection hands it (decoded, or the text)."""
    return json.loads(value) if isinstance(value, str) else value


def _field_of(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    return [error["field"] for error in response.json()["errors"]]


async def _round(api: AsyncClient, by: Person, programme_id: str, **fields: Any) -> dict[str, Any]:
    body = {
        "questionnaire": "group_end_feedback",
        "opens_on": days_from_today(0),
        "closes_on": days_from_today(7),
        "anonymous": False,
        **fields,
    }
    response = await api.post(
        f"/api/v1/programmes/{programme_id}/questionnaire-rounds", json=body, headers=by.headers
    )
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


async def _answer(api: AsyncClient, by: Person, round_id: str, answers: dict[str, Any]) -> Any:
    return await api.post(
        f"/api/v1/questionnaire-rounds/{round_id}/answers",
        json={"answers": answers},
        headers=by.headers,
    )


async def test_shipped_questionnaires_and_admins_add_versions(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    admin = await make.staff("admin")
    listed = await api.get("/api/v1/questionnaires", headers=coach.headers)
    assert listed.status_code == 200
    keys = {q["key"] for q in listed.json()["items"]}
    assert keys == {"group_end_feedback", "co_development_feedback"}
    group_end = next(q for q in listed.json()["items"] if q["key"] == "group_end_feedback")
    kinds = {item["key"]: item["kind"] for item in group_end["items"]}
    assert kinds["got_support"] == kinds["new_plans"] == "yes_no"
    for questionnaire in listed.json()["items"]:
        for item in questionnaire["items"]:
            assert all(item["text"][lang] for lang in ("fi", "sv", "en"))

    url = "/api/v1/questionnaires"
    assert (await api.post(url, json=_definition(), headers=coach.headers)).status_code == 403
    repeated = _definition()
    repeated["items"][2]["key"] = "useful"
    assert _field_of(await api.post(url, json=repeated, headers=admin.headers)) == ["items[2].key"]
    wrong_kind = _definition()
    wrong_kind["items"][0]["kind"] = "scale_0_10"
    assert "kind" in _field_of(await api.post(url, json=wrong_kind, headers=admin.headers))[0]
    no_sv = _definition(title={"fi": "Kokeilu", "en": "Pilot"})
    assert "title" in _field_of(await api.post(url, json=no_sv, headers=admin.headers))[0]
    assert (
        "key"
        in _field_of(
            await api.post(url, json=_definition(key="Iso Kirjain"), headers=admin.headers)
        )[0]
    )

    first = await api.post(url, json=_definition(), headers=admin.headers)
    assert first.status_code == 201, first.text
    again = await api.post(url, json=_definition(), headers=admin.headers)
    assert again.status_code == 409
    second = _definition(version=2)
    second["items"] = second["items"][:2]
    assert (await api.post(url, json=second, headers=admin.headers)).status_code == 201
    newest = await api.get(url, headers=coach.headers)
    [pilot] = [q for q in newest.json()["items"] if q["key"] == "pilot_form"]
    assert pilot["version"] == 2
    every = await api.get(url, params={"every_version": "true"}, headers=coach.headers)
    assert [q["version"] for q in every.json()["items"] if q["key"] == "pilot_form"] == [2, 1]


def test_the_migration_holds_the_shipped_group_end_form() -> None:
    """The migration moves today's feedback into the form it inserts: the same form as
    the shipped file."""
    found = re.search(r"VALUES \('group_end_feedback', 1, '(.*)'::jsonb\);", MIGRATION.read_text())
    assert found
    in_migration = json.loads(found.group(1).replace("''", "'"))
    shipped_file = json.loads((SHIPPED / "group_end_feedback.json").read_text())
    assert in_migration == shipped_file
    assert {q.key for q in shipped()} == {"group_end_feedback", "co_development_feedback"}


async def test_staff_answer_once_and_change_until_the_round_closes(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    other = await make.staff("coach", organisation_id=coach.organisation_id)
    programme = await create_programme(api, coach, facilitator_ids=[coach.id, other.id])
    url = f"/api/v1/programmes/{programme['id']}/questionnaire-rounds"
    body = {"questionnaire": "group_end_feedback", "opens_on": days_from_today(0),
            "closes_on": days_from_today(7), "anonymous": False}  # fmt: skip
    outsider = await make.staff("coach", organisation_id=coach.organisation_id)
    assert (await api.post(url, json=body, headers=outsider.headers)).status_code == 403
    missing = "/api/v1/programmes/00000000-0000-0000-0000-000000000000/questionnaire-rounds"
    assert (await api.post(missing, json=body, headers=coach.headers)).status_code == 404
    backwards = {**body, "closes_on": days_from_today(-1)}
    assert _field_of(await api.post(url, json=backwards, headers=coach.headers)) == ["closes_on"]
    unknown = {**body, "questionnaire": "nothing"}
    assert _field_of(await api.post(url, json=unknown, headers=coach.headers)) == ["questionnaire"]
    assert (
        "opens_on"
        in _field_of(
            await api.post(url, json={**body, "opens_on": "2027-02-30"}, headers=coach.headers)
        )[0]
    )

    made = await _round(api, coach, programme["id"])
    assert (made["questionnaire"], made["questionnaire_version"], made["status"]) == (
        "group_end_feedback",
        1,
        "open",
    )
    listed = await api.get(url, headers=outsider.headers)
    assert [r["id"] for r in listed.json()["items"]] == [made["id"]]

    round_id = made["id"]
    assert (await _answer(api, outsider, round_id, GOOD)).status_code == 403
    assert _field_of(await _answer(api, coach, round_id, {**GOOD, "got_support": "yes"})) == [
        "answers.got_support"
    ]
    assert _field_of(await _answer(api, coach, round_id, {**GOOD, "group_useful": 6})) == [
        "answers.group_useful"
    ]
    assert _field_of(await _answer(api, coach, round_id, {**GOOD, "group_useful": True})) == [
        "answers.group_useful"
    ]
    assert _field_of(await _answer(api, coach, round_id, {**GOOD, "extra": 1})) == ["answers.extra"]
    no_plans = {k: v for k, v in GOOD.items() if k != "new_plans"}
    assert _field_of(await _answer(api, coach, round_id, no_plans)) == ["answers.new_plans"]
    no_comment = {k: v for k, v in GOOD.items() if k != "comment"}
    first = await _answer(api, coach, round_id, no_comment)
    assert first.status_code == 200, first.text
    assert first.json()["answers"] == no_comment
    changed = await _answer(api, coach, round_id, {**GOOD, "group_useful": 2})
    assert changed.status_code == 200 and changed.json()["answers"]["group_useful"] == 2
    rows = await db.fetch("SELECT staff_id, answers FROM questionnaire_answers WHERE round_id = $1",
                          round_id)  # fmt: skip
    assert [(str(r["staff_id"]), _decoded(r["answers"])["group_useful"]) for r in rows] == [
        (coach.id, 2)
    ]
    await db.execute(
        "UPDATE questionnaire_rounds SET opens_on = current_date - 9, "
        "closes_on = current_date - 1 WHERE id = $1",
        round_id,
    )
    closed = await _answer(api, coach, round_id, GOOD)
    assert closed.status_code == 409 and "closed" in closed.json()["detail"]
    later = await _round(api, coach, programme["id"], opens_on=days_from_today(3))
    assert later["status"] == "upcoming"
    assert (await _answer(api, coach, later["id"], GOOD)).status_code == 409
    assert (await _answer(api, coach, "not-an-id", GOOD)).status_code == 404


async def test_an_anonymous_round_keeps_no_link_from_answer_to_person(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make)
    other = await make.staff("coach", organisation_id=worker.organisation_id)
    programme = await create_programme(api, worker, facilitator_ids=[worker.id, other.id])
    assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    made = await _round(api, worker, programme["id"], anonymous=True)
    round_id = made["id"]
    answered = await _answer(api, worker, round_id, {**GOOD, "comment": "Kiitos"})
    assert answered.status_code == 200, answered.text
    assert answered.json()["answers"] is None and answered.json()["anonymous"] is True
    assert (await _answer(api, other, round_id, GOOD)).status_code == 200
    again = await _answer(api, worker, round_id, GOOD)
    assert again.status_code == 409 and "anonymous" in again.json()["detail"]
    saved = await rounds.answer_as_client(db, client_id, round_id, GOOD)
    assert saved is not None and saved.answers is None

    # Who answered is kept, without time or answer.
    respondents = await db.fetch(
        "SELECT client_id, staff_id FROM questionnaire_respondents WHERE round_id = $1", round_id
    )
    assert {str(r["staff_id"] or r["client_id"]) for r in respondents} == {
        worker.id, other.id, client_id
    }  # fmt: skip
    columns = await db.fetch(
        "SELECT table_name, column_name FROM information_schema.columns "
        "WHERE table_name IN ('questionnaire_respondents', 'questionnaire_anonymous_answers')"
    )
    assert {(r["table_name"], r["column_name"]) for r in columns} == {
        ("questionnaire_respondents", "round_id"),
        ("questionnaire_respondents", "client_id"),
        ("questionnaire_respondents", "staff_id"),
        ("questionnaire_anonymous_answers", "round_id"),
        ("questionnaire_anonymous_answers", "answers"),
    }
    # What was answered: no person, no time, no row per answer.
    assert (
        await db.fetchval(
            "SELECT count(*) FROM questionnaire_answers WHERE round_id = $1", round_id
        )
        == 0
    )
    stored = await db.fetch(
        "SELECT a.*, a.xmin::text AS xmin FROM questionnaire_anonymous_answers a "
        "WHERE round_id = $1", round_id
    )  # fmt: skip
    assert len(stored) == 1
    kept = _decoded(stored[0]["answers"])
    assert sorted(entry["role"] for entry in kept) == ["client", "staff", "staff"]
    assert all(set(entry) == {"role", "answers"} for entry in kept)
    text = json.dumps(kept)
    for person in (worker.id, other.id, client_id):
        assert person not in text
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "no date or time in the answers"
    # No transaction id to join with either: the respondents' rows are older than the
    # one row that holds every answer, rewritten by the last.
    staff_xmins = await db.fetch(
        "SELECT xmin::text AS x FROM questionnaire_respondents WHERE round_id = $1 "
        "AND staff_id IS NOT NULL", round_id
    )  # fmt: skip
    assert stored[0]["xmin"] not in {r["x"] for r in staff_xmins}
    # The results still see all three.
    results = await api.get(f"/api/v1/questionnaire-rounds/{round_id}/results",
                            headers=worker.headers)  # fmt: skip
    assert results.status_code == 200
    assert results.json()["respondents"]["client"] == {"value": None, "suppressed": True}


async def test_results_are_split_by_role_with_small_cells_suppressed(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    coach = await make.staff("coach")
    second = await make.staff("coach", organisation_id=coach.organisation_id)
    programme = await create_programme(api, coach, facilitator_ids=[coach.id, second.id],
                                       capacity=12)  # fmt: skip
    clients = [await make.client(coach, first_name=f"Osallistuja{n}") for n in range(6)]
    for client_id in clients:
        assert (await enrol(api, coach, programme["id"], client_id)).status_code == 201
    round_id = (await _round(api, coach, programme["id"]))["id"]
    for number, client_id in enumerate(clients):
        answers = {"got_support": number != 0, "new_plans": True, "group_useful": 5,
                   "comment": f"Palaute {5 - number}"}  # fmt: skip
        assert await rounds.answer_as_client(db, client_id, round_id, answers) is not None
    stranger = await make.client(coach)
    assert await rounds.answer_as_client(db, stranger, round_id, GOOD) is None
    for person in (coach, second):
        assert (await _answer(api, person, round_id, GOOD)).status_code == 200

    url = f"/api/v1/questionnaire-rounds/{round_id}/results"
    response = await api.get(url, headers=coach.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    hidden = {"value": None, "suppressed": True}

    def shown(value: float) -> dict[str, Any]:
        return {"value": value, "suppressed": False}

    assert body["respondents"] == {"client": shown(6), "staff": hidden}
    items = {item["key"]: item for item in body["items"]}
    # 5 yes and 1 no: the 1 is hidden, and the 5 with it (6 − 5 would tell it).
    assert items["got_support"]["client"]["answers"] == shown(6)
    assert items["got_support"]["client"]["distribution"] == {"yes": hidden, "no": hidden}
    assert items["new_plans"]["client"]["distribution"] == {"yes": shown(6), "no": shown(0)}
    useful = items["group_useful"]["client"]
    assert useful["distribution"] == {"1": shown(0), "2": shown(0), "3": shown(0),
                                      "4": shown(0), "5": shown(6)}  # fmt: skip
    assert useful["mean"] == shown(5.0)
    # Two staff: every staff cell is hidden, the mean too.
    staff_useful = items["group_useful"]["staff"]
    assert staff_useful["answers"] == hidden and staff_useful["mean"] == hidden
    assert set(map(str, staff_useful["distribution"].values())) == {str(hidden)}
    # Six texts from clients are listed, sorted, unnamed; two from staff are not.
    assert items["comment"]["client"]["texts"] == [f"Palaute {n}" for n in range(6)]
    assert items["comment"]["staff"]["texts"] is None

    analyst = await make.staff("analyst", organisation_id=coach.organisation_id)
    assert (await api.get(url, headers=analyst.headers)).status_code == 200
    other_org = await make.staff("analyst")
    assert (await api.get(url, headers=other_org.headers)).status_code == 403
    outsider = await make.staff("coach", organisation_id=coach.organisation_id)
    assert (await api.get(url, headers=outsider.headers)).status_code == 403
    missing = "/api/v1/questionnaire-rounds/00000000-0000-0000-0000-000000000000/results"
    assert (await api.get(missing, headers=coach.headers)).status_code == 404


async def test_a_named_group_end_round_counts_in_the_outcome_feedback(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """A client's own group-end answers count in the outcome report as the feedback a
    coach records does, once per enrolment (service/reports/queries.sql)."""
    coach = await make.staff("coach")
    programme = await create_programme(api, coach)
    client_id = await make.client(coach)
    enrolled = await enrol(api, coach, programme["id"], client_id)
    round_id = (await _round(api, coach, programme["id"]))["id"]
    await rounds.answer_as_client(db, client_id, round_id, GOOD)
    from service.reports.sql import queries as report_queries

    given = await report_queries.feedback_given(db, enrolment_ids=[enrolled.json()["id"]])
    assert [(r["got_support"], r["new_plans"]) for r in given] == [(True, False)]
    # The feedback a coach records with the client is the one counted; the answers to
    # this group's round are not the client's feedback on another group.
    await db.execute(
        "INSERT INTO programme_feedback (enrolment_id, programme_id, client_id, got_support, "
        "new_plans, recorded_by) VALUES ($1, $2, $3, false, true, $4)",
        enrolled.json()["id"],
        programme["id"],
        client_id,
        coach.id,
    )
    other = await create_programme(api, coach)
    elsewhere = await enrol(api, coach, other["id"], client_id)
    given = await report_queries.feedback_given(
        db, enrolment_ids=[enrolled.json()["id"], elsewhere.json()["id"]]
    )
    assert [(r["got_support"], r["new_plans"]) for r in given] == [(False, True)]


async def test_a_client_answers_on_their_page_and_changes_until_close(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    worker, client_id = await sms_client(make, language="en")
    programme = await create_programme(api, worker)
    assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    named = (await _round(api, worker, programme["id"]))["id"]
    anonymous = (
        await _round(
            api, worker, programme["id"], questionnaire="co_development_feedback", anonymous=True
        )
    )["id"]
    elsewhere = await create_programme(api, worker)
    not_theirs = (await _round(api, worker, elsewhere["id"]))["id"]

    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    me = (await api.get(f"{path}/me", headers=cookie)).text
    assert "Questions about your group" in me
    assert f'href="{path}/me/questionnaires/{named}"' in me
    assert f'href="{path}/me/questionnaires/{anonymous}"' in me
    assert not_theirs not in me

    form_url = f"{path}/me/questionnaires/{named}"
    form = await api.get(form_url, headers=cookie)
    assert form.status_code == 200
    assert "Did I get the support I needed from the group?" in form.text
    token = form_token(form.text)
    data = {"form_token": token, "q.got_support": "yes", "q.new_plans": "no",
            "q.group_useful": "4", "q.comment": "Good group"}  # fmt: skip
    partial = {k: v for k, v in data.items() if k != "q.new_plans"}
    assert (await api.post(form_url, data=partial, headers=cookie)).status_code == 400
    done = await api.post(form_url, data=data, headers=cookie)
    assert done.status_code == 200 and "Thank you for your answers." in done.text
    again = await api.get(form_url, headers=cookie)
    assert 'value="4" required checked' in again.text and "Good group" in again.text
    # A comment that looks like a scale answer stays text.
    changed = await api.post(
        form_url, data={**data, "q.group_useful": "2", "q.comment": "5"}, headers=cookie
    )
    assert changed.status_code == 200
    kept = await db.fetchval(
        "SELECT answers FROM questionnaire_answers WHERE round_id = $1 AND client_id = $2",
        named,
        client_id,
    )
    assert _decoded(kept) == {"got_support": True, "new_plans": False, "group_useful": 2,
                                "comment": "5"}  # fmt: skip
    audited = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'questionnaire.answer' "
        "AND actor_client_id = $1",
        client_id,
    )
    assert audited == 2

    anonymous_url = f"{path}/me/questionnaires/{anonymous}"
    co_dev = next(q for q in shipped() if q.key == "co_development_feedback")
    answers = {f"q.{i.key}": ("yes" if i.kind == "yes_no" else "3") for i in co_dev.items
               if i.kind != "text"}  # fmt: skip
    first = await api.post(anonymous_url, data={"form_token": token, **answers}, headers=cookie)
    assert first.status_code == 200, first.text
    second = await api.post(anonymous_url, data={"form_token": token, **answers}, headers=cookie)
    assert second.status_code == 409 and "already" in second.text
    assert "You have answered. Thank you!" in (await api.get(f"{path}/me", headers=cookie)).text

    for wrong in (not_theirs, "not-an-id"):
        url = f"{path}/me/questionnaires/{wrong}"
        assert (await api.get(url, headers=cookie)).status_code == 404
        posted = await api.post(url, data={"form_token": token, **answers}, headers=cookie)
        assert posted.status_code == 404
    await db.execute(
        "UPDATE questionnaire_rounds SET opens_on = current_date - 9, "
        "closes_on = current_date - 1 WHERE id = $1",
        named,
    )
    late = await api.post(form_url, data=data, headers=cookie)
    assert late.status_code == 409
    assert f"/me/questionnaires/{named}" not in (await api.get(f"{path}/me", headers=cookie)).text


async def test_the_questionnaire_pages_have_no_serious_accessibility_violation(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, tmp_path: Path
) -> None:
    """The personal part listing the rounds, and a form with every kind of item, in
    headless Chromium with axe-core (WCAG 2.1 AA) at 320 px."""
    worker, client_id = await sms_client(make)
    programme = await create_programme(api, worker)
    assert (await enrol(api, worker, programme["id"], client_id)).status_code == 201
    named = (await _round(api, worker, programme["id"]))["id"]
    await _round(api, worker, programme["id"], questionnaire="co_development_feedback",
                 anonymous=True)  # fmt: skip
    path = await page_link(api, worker, client_id)
    cookie = await opened(api, db, path)
    pages = []
    for suffix in ("/me", f"/me/questionnaires/{named}", f"/me/questionnaires/{named}?lang=sv"):
        response = await api.get(f"{path}{suffix}", headers=cookie)
        assert response.status_code == 200, suffix
        pages.append(response.text)
    for number, html in enumerate(pages):
        assert loads_nothing(html) == []
        found = axe(html, tmp_path / str(number), width=320)
        serious = [v for v in found["violations"] if v["impact"] in {"serious", "critical"}]
        assert serious == [], (number, serious)
        scroll_width, viewport = found["width"]
        assert scroll_width <= viewport, f"page {number} scrolls sideways at 320 px"


async def test_the_demo_has_a_closed_feedback_round_with_both_roles(
    api: AsyncClient, db: asyncpg.Connection, settings: Settings
) -> None:
    await seed_demo(db, settings)
    round_id = await db.fetchval("SELECT id FROM questionnaire_rounds")
    coach = await db.fetchrow("SELECT id FROM staff WHERE email = $1", COACH)
    token = await Factory(db).token(Person(str(coach["id"]), "", COACH, "", ""))
    headers = {"Authorization": f"Bearer {token}"}
    response = await api.get(f"/api/v1/questionnaire-rounds/{round_id}/results", headers=headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["round"]["status"], body["round"]["anonymous"]) == ("closed", True)
    assert body["respondents"]["client"] == {"value": 8, "suppressed": False}
    assert body["respondents"]["staff"]["suppressed"] is True
    assert await db.fetchval("SELECT count(*) FROM questionnaire_respondents") == 10


async def test_the_migration_moves_recorded_feedback_into_named_rounds(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    """The data part of migration 0035 run again on feedback recorded the old way: one
    closed, named group-end round per programme, each client's answers as recorded, and
    the outcome report counting each enrolment once."""
    coach = await make.staff("coach")
    programme = await create_programme(api, coach, first_session_date=days_from_today(-1),
                                       skip_public_holidays=False)  # fmt: skip
    enrolments = {}
    for number in range(2):
        client_id = await make.client(coach)
        enrolled = await enrol(api, coach, programme["id"], client_id)
        enrolments[client_id] = enrolled.json()["id"]
        marked = await api.put(
            f"/api/v1/sessions/{programme['sessions'][0]['id']}/attendance",
            json={"records": [{"client_id": client_id, "status": "present"}]},
            headers=coach.headers,
        )
        assert marked.status_code == 200, marked.text
        saved = await api.put(
            f"/api/v1/enrolments/{enrolments[client_id]}/feedback",
            json={"got_support": True, "new_plans": number == 0, "comment": f"Sana {number}"},
            headers=coach.headers,
        )
        assert saved.status_code == 200, saved.text
    marker = "-- Today's recorded feedback"
    data_part = marker + MIGRATION.read_text().split(marker, 1)[1]
    await db.execute(data_part)
    [row] = await db.fetch(
        "SELECT r.id, r.anonymous, r.closes_on < current_date + 1 AS closed, q.key "
        "FROM questionnaire_rounds r JOIN questionnaires q ON q.id = r.questionnaire_id "
        "WHERE r.programme_id = $1",
        programme["id"],
    )
    assert (row["anonymous"], row["closed"], row["key"]) == (False, True, "group_end_feedback")
    moved = await db.fetch(
        "SELECT client_id::text, answers FROM questionnaire_answers WHERE round_id = $1",
        row["id"],
    )
    by_client = {r["client_id"]: _decoded(r["answers"]) for r in moved}
    assert sorted(by_client) == sorted(enrolments)
    assert sorted(by_client.values(), key=lambda a: a["comment"]) == [
        {"got_support": True, "new_plans": True, "comment": "Sana 0"},
        {"got_support": True, "new_plans": False, "comment": "Sana 1"},
    ]
    assert (
        await db.fetchval(
            "SELECT count(*) FROM questionnaire_respondents WHERE round_id = $1", row["id"]
        )
        == 2
    )
    from service.reports.sql import queries as report_queries

    given = await report_queries.feedback_given(db, enrolment_ids=list(enrolments.values()))
    assert sorted((r["got_support"], r["new_plans"]) for r in given) == [
        (True, False), (True, True)
    ]  # fmt: skip


async def test_an_open_round_waits_in_the_staff_members_work_list(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    outsider = await make.staff("coach", organisation_id=coach.organisation_id)
    programme = await create_programme(api, coach, title="Kehittäjäryhmä")
    made = await _round(api, coach, programme["id"], questionnaire="co_development_feedback")
    await _round(api, coach, programme["id"], opens_on=days_from_today(2))  # not open yet

    async def waiting(person: Person) -> list[dict[str, Any]]:
        response = await api.get("/api/v1/me/worklist", headers=person.headers)
        assert response.status_code == 200, response.text
        rounds_listed: list[dict[str, Any]] = response.json()["questionnaire_rounds"]
        return rounds_listed

    [listed] = await waiting(coach)
    assert (listed["id"], listed["programme_title"], listed["title"]["en"]) == (
        made["id"],
        "Kehittäjäryhmä",
        "Feedback on the co-development group",
    )
    assert await waiting(outsider) == []
    co_dev = next(q for q in shipped() if q.key == "co_development_feedback")
    answers = {i.key: (True if i.kind == "yes_no" else 4) for i in co_dev.items
               if i.kind != "text"}  # fmt: skip
    assert (await _answer(api, coach, made["id"], answers)).status_code == 200
    assert await waiting(coach) == []


async def test_a_co_development_groups_staff_participants_answer_as_staff(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    group = await create_programme(api, coach, kind="co_development", skip_public_holidays=False)
    worker = await make.staff("referrer", name="Sanna Sosiaalityöntekijä")
    outsider = await make.staff("referrer")
    added = await api.post(
        f"/api/v1/programmes/{group['id']}/participants",
        json={"staff_id": worker.id},
        headers=coach.headers,
    )
    assert added.status_code == 201, added.text
    feedback = await _round(api, coach, group["id"], questionnaire="co_development_feedback")
    form = next(q for q in shipped() if q.key == "co_development_feedback")
    by_kind = {"scale_1_5": 4, "yes_no": True, "text": "Kuulluksi tulin."}
    answers = {item.key: by_kind[item.kind] for item in form.items}
    answered = await _answer(api, worker, feedback["id"], answers)
    assert answered.status_code in (200, 201), answered.text
    refused = await _answer(api, outsider, feedback["id"], answers)
    assert refused.status_code in (403, 404), refused.text
