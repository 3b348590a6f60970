"""Reports on a small cohort built by hand: a group's report, client feedback, outcome
figures with small groups suppressed, and the ESF+ participant export."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import msgspec
from httpx import AsyncClient

from service.base.clock import today_in_finland
from tests.api.coaching import add_goal, create_plan, rate
from tests.api.programmes import create_programme, enrol, shift_in_time
from tests.api.test_assessments import WORK_ABILITY, assess, work_answers
from tests.factories import Factory, Person

HIDDEN = {"value": None, "suppressed": True}


def shown(value: Any) -> dict[str, Any]:
    return {"value": value, "suppressed": False}


def days_ago(days: int) -> str:
    return (today_in_finland() - timedelta(days=days)).isoformat()


@dataclass
class Team:
    ngo: str
    coach: Person
    analyst: Person
    admin: Person


async def ngo_team(make: Factory) -> Team:
    county = await make.organisation("wellbeing_county")
    ngo = await make.organisation("ngo", managed_by=county)
    return Team(
        ngo=ngo,
        coach=await make.staff("coach", organisation_id=ngo),
        analyst=await make.staff("analyst", organisation_id=ngo),
        admin=await make.staff("admin", organisation_id=ngo),
    )


async def withdraw(api: AsyncClient, by: Person, enrolment_id: str, reason: str) -> None:
    response = await api.post(
        f"/api/v1/enrolments/{enrolment_id}/withdraw", json={"reason": reason}, headers=by.headers
    )
    assert response.status_code == 200, response.text


async def give_feedback(
    api: AsyncClient, by: Person, enrolment_id: str, got_support: bool, new_plans: bool
) -> Any:
    return await api.put(
        f"/api/v1/enrolments/{enrolment_id}/feedback",
        json={"got_support": got_support, "new_plans": new_plans, "comment": "Hyvä ryhmä"},
        headers=by.headers,
    )


# A group's report ------------------------------------------------------------------


async def half_way_group(api: AsyncClient, db: asyncpg.Connection, make: Factory) -> Any:
    """Eight places, ten asked: one left after getting a place (its place went to the
    first in line), the other in line gave up; two sessions held, one moved, one
    cancelled."""
    team = await ngo_team(make)
    coach = team.coach
    programme = await create_programme(api, coach, capacity=8, skip_public_holidays=False)
    clients = [await make.client(coach) for _ in range(10)]
    enrolments = [(await enrol(api, coach, programme["id"], c)).json()["id"] for c in clients]
    await withdraw(api, coach, enrolments[0], "Muutto")
    await withdraw(api, coach, enrolments[9], "Ei enää tarvetta")
    await shift_in_time(db, programme["id"], -22)  # sessions 1 and 2 have been held
    sessions = (
        await api.get(f"/api/v1/programmes/{programme['id']}", headers=coach.headers)
    ).json()["sessions"]
    here = clients[1:9]
    marks = [
        [(c, "present") for c in here],
        [(c, "present") for c in here[:5]] + [(here[5], "remote"), (here[6], "absent")],
    ]
    for session, records in zip(sessions, marks, strict=False):
        response = await api.put(
            f"/api/v1/sessions/{session['id']}/attendance",
            json={"records": [{"client_id": c, "status": s} for c, s in records]},
            headers=coach.headers,
        )
        assert response.status_code == 200, response.text
    fourth = sessions[3]
    later = {
        "starts_at": _hours_later(fourth["starts_at"], 2),
        "ends_at": _hours_later(fourth["ends_at"], 2),
    }
    moved = await api.patch(f"/api/v1/sessions/{fourth['id']}", json=later, headers=coach.headers)
    assert moved.status_code == 200, moved.text
    cancelled = await api.post(
        f"/api/v1/sessions/{sessions[4]['id']}/cancel",
        json={"reason": "Sairaus"},
        headers=coach.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    return team, programme


def _hours_later(timestamp: str, hours: int) -> str:
    return (datetime.fromisoformat(timestamp) + timedelta(hours=hours)).isoformat()


async def test_programme_report_for_its_facilitator(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, programme = await half_way_group(api, db, make)
    response = await api.get(
        f"/api/v1/reports/programmes/{programme['id']}", headers=team.coach.headers
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "running"
    assert report["enrolment"] == {
        "participants": shown(9),
        "enrolled": shown(8),
        "completed": shown(0),
        "dropped_out": shown(1),
        "waitlisted": shown(0),
        "left_waiting_list": shown(1),
        "dropout_reasons": {
            "total": shown(1),
            "reasons": [{"reason": "Muutto", "people": shown(1)}],
            "other": shown(0),
        },
    }
    assert report["sessions"] == {
        "planned": 8,
        "held": 2,
        "upcoming": 5,
        "moved": 1,
        "cancelled": 1,
    }
    # 8 of 8, then 6 of the 7 marked: 14 of 15.
    assert report["attendance"] == {
        "rate": shown(0.933),
        "recorded": shown(15),
        "attended": shown(14),
    }
    first, second = report["per_session"][:2]
    assert (first["status"], first["present"], first["attendance_rate"]) == (
        "held",
        shown(8),
        shown(1.0),
    )
    assert [second[k]["value"] for k in ("present", "remote", "absent", "excused")] == [5, 1, 1, 0]
    assert second["unrecorded"] == shown(1)
    assert second["attendance_rate"] == shown(0.857)
    assert [s["status"] for s in report["per_session"]][2:6] == [
        "upcoming",
        "upcoming",
        "cancelled",
        "upcoming",
    ]
    assert report["per_session"][3]["moved"] is True
    assert report["suppression"]["applied"] is False


async def test_programme_report_for_an_analyst_hides_small_groups(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, programme = await half_way_group(api, db, make)
    report = (
        await api.get(f"/api/v1/reports/programmes/{programme['id']}", headers=team.analyst.headers)
    ).json()
    assert report["suppression"]["applied"] is True
    enrolment = report["enrolment"]
    assert enrolment["participants"] == shown(9)
    # One left: hidden, and the 8 who stayed with it (9 - 8 would tell).
    assert enrolment["dropped_out"] == enrolment["enrolled"] == HIDDEN
    assert enrolment["left_waiting_list"] == HIDDEN
    assert enrolment["dropout_reasons"] == {"total": HIDDEN, "reasons": [], "other": HIDDEN}
    assert report["attendance"]["rate"] == HIDDEN  # the one absence
    first, second = report["per_session"][:2]
    # No marks per session, only rates: 8 of 8 is shown, 6 of 7 would point at the absent.
    marks = ("present", "remote", "absent", "excused", "unrecorded")
    assert all(session[k] == HIDDEN for session in (first, second) for k in marks)
    assert first["attendance_rate"] == shown(1.0)
    assert second["attendance_rate"] == HIDDEN


async def test_who_reads_a_programme_report(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team = await ngo_team(make)
    programme = await create_programme(api, team.coach)
    url = f"/api/v1/reports/programmes/{programme['id']}"
    assert (await api.get(url, headers=team.admin.headers)).status_code == 200
    other_coach = await make.staff("coach", organisation_id=team.ngo)
    assert (await api.get(url, headers=other_coach.headers)).status_code == 403
    outsider = await make.staff("analyst")
    assert (await api.get(url, headers=outsider.headers)).status_code == 403
    unknown = "/api/v1/reports/programmes/00000000-0000-4000-8000-000000000000"
    assert (await api.get(unknown, headers=team.coach.headers)).status_code == 404
    assert (await api.get(url + "x", headers=team.coach.headers)).status_code == 404
    logged = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'report.programme' AND subject_id = $1",
        programme["id"],
    )
    assert logged == 1


# Feedback --------------------------------------------------------------------------


async def test_feedback_is_recorded_once_the_group_has_met(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team = await ngo_team(make)
    programme = await create_programme(api, team.coach, capacity=1)
    first, second = await make.client(team.coach), await make.client(team.coach)
    placed = (await enrol(api, team.coach, programme["id"], first)).json()["id"]
    waiting = (await enrol(api, team.coach, programme["id"], second)).json()["id"]
    early = await give_feedback(api, team.coach, placed, True, False)
    assert early.status_code == 409
    await shift_in_time(db, programme["id"], -60)
    saved = await give_feedback(api, team.coach, placed, True, False)
    assert saved.status_code == 200, saved.text
    assert (saved.json()["got_support"], saved.json()["new_plans"]) == (True, False)
    corrected = await give_feedback(api, team.coach, placed, True, True)
    assert corrected.json()["new_plans"] is True
    read = await api.get(f"/api/v1/enrolments/{placed}/feedback", headers=team.coach.headers)
    assert read.json()["comment"] == "Hyvä ryhmä"
    assert (await give_feedback(api, team.coach, waiting, True, True)).status_code == 409
    none_yet = await api.get(f"/api/v1/enrolments/{waiting}/feedback", headers=team.coach.headers)
    assert none_yet.status_code == 404

    invalid = await api.put(
        f"/api/v1/enrolments/{placed}/feedback",
        json={"got_support": True},
        headers=team.coach.headers,
    )
    assert invalid.status_code == 422
    assert invalid.json()["errors"][0]["field"] == "new_plans"
    stranger = await make.staff("coach")
    out_of_reach = await give_feedback(api, stranger, placed, False, False)
    assert out_of_reach.status_code == 404
    actions = [
        row["action"]
        for row in await db.fetch(
            "SELECT action FROM audit_events WHERE client_id = $1 AND action LIKE 'feedback.%' "
            "AND outcome = 'ok' ORDER BY id",
            first,
        )
    ]
    assert actions == ["feedback.write", "feedback.write", "feedback.read"]
    pathway = await api.get(f"/api/v1/clients/{first}/pathway", headers=team.coach.headers)
    [given] = [e for e in pathway.json()["events"] if e["kind"] == "feedback.given"]
    assert (given["details"]["got_support"], given["details"]["new_plans"]) == (True, True)


# Outcomes and the ESF+ export -------------------------------------------------------


async def finished_cohort(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> tuple[Team, list[str]]:
    """Eleven people in a group that ended a week ago (two left it), eight of them with a
    coaching plan that ended three days ago (the first with a second, later one), five
    with rated goals and two assessments, nine with feedback; six referrals to the
    organisation."""
    team = await ngo_team(make)
    coach = team.coach
    clients = [
        await make.client(
            coach,
            gender="female" if n % 2 else "male",
            birth_date=date(1990, 1, 1),
            labour_market_status="long_term_unemployed",
            education_level="isced_0_2",
        )
        for n in range(11)
    ]
    programme = await create_programme(api, coach, capacity=12, skip_public_holidays=False)
    places = [(await enrol(api, coach, programme["id"], c)).json()["id"] for c in clients]
    for place in places[9:]:
        await withdraw(api, coach, place, "Muutti pois")
    await shift_in_time(db, programme["id"], -70)

    for place in places[:5]:
        assert (await give_feedback(api, coach, place, True, True)).status_code == 200
    for place in places[5:9]:
        assert (await give_feedback(api, coach, place, True, False)).status_code == 200

    steps = ["education"] * 5 + ["employment"] * 2 + ["none"]
    for n, (client_id, step) in enumerate(zip(clients, steps, strict=False)):
        plan = await create_plan(
            api, coach, client_id, starts_on=days_ago(100), ends_on=days_ago(3)
        )
        continuation = await api.put(
            f"/api/v1/plans/{plan['id']}/continuation",
            json={"next_step": step, "description": "Seuraava askel"},
            headers=coach.headers,
        )
        assert continuation.status_code == 200, continuation.text
        if n < 5:
            goal = await add_goal(api, coach, plan["id"], baseline=-1)
            await rate(api, coach, goal["id"], [1, 1, 0, 2, -1][n], rated_on=days_ago(10))
            await assess(api, coach, client_id, "work_ability", work_answers(4, 3), days_ago(90))
            await assess(api, coach, client_id, "work_ability", work_answers(7, 3), days_ago(5))
        if n == 0:  # a second, later plan: the figures count people, by their latest plan
            later = await create_plan(
                api, coach, client_id, starts_on=days_ago(50), ends_on=days_ago(3)
            )
            goal = await add_goal(api, coach, later["id"], baseline=-2)
            await rate(api, coach, goal["id"], 0, rated_on=days_ago(8))

    # The record moves on after entry; the export keeps the situation at entry.
    patched = await api.patch(
        f"/api/v1/clients/{clients[0]}",
        json={"labour_market_status": "employed"},
        headers=coach.headers,
    )
    assert patched.status_code == 200, patched.text
    service_id = await db.fetchval(
        "INSERT INTO services (organisation_id, name) VALUES ($1, 'Työpaja') RETURNING id",
        team.ngo,
    )
    for n, days in enumerate([1, 2, 3, 4, 10, None]):
        await db.execute(
            """
            INSERT INTO referrals (client_id, service_id, from_organisation_id,
                to_organisation_id, referred_by, reason, status, created_at, answered_at)
            VALUES ($1, $2, $3, $3, $4, 'Työtoiminta', $5, now() - interval '30 days',
                    now() - interval '30 days' + make_interval(days => $6))
            """,
            clients[n],
            service_id,
            team.ngo,
            coach.id,
            "requested" if days is None else "accepted",
            days,
        )
    return team, clients


async def test_outcomes_of_a_small_cohort(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, _ = await finished_cohort(api, db, make)
    # The clients' own ratings on their page (the latest of all) are not scored.
    await db.execute(
        "INSERT INTO goal_ratings (goal_id, level, rated_on, rater) "
        "SELECT id, 2, $1, 'client' FROM goals",
        date.fromisoformat(days_ago(1)),
    )
    response = await api.get(
        "/api/v1/reports/outcomes",
        params={"from": days_ago(120), "to": days_ago(0)},
        headers=team.analyst.headers,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["organisation_ids"] == [team.ngo]
    assert report["participants"] == shown(11)
    # Two left the group: hidden, and so are the nine who stayed (11 - 2).
    assert report["completion"] == {
        "ended": shown(11),
        "completed": HIDDEN,
        "dropped_out": HIDDEN,
        "completion_rate": HIDDEN,
    }
    exits = report["exits"]
    assert exits["education"] == shown(5)
    assert exits["work_trial"] == shown(0)
    assert exits["employment"] == exits["none"] == exits["not_recorded"] == HIDDEN
    # 5 + 2 would give away the two in work.
    assert exits["education_or_employment"] == HIDDEN
    assert exits["education_or_employment_share"] == HIDDEN
    assert report["feedback"] == {
        "responses": shown(9),
        "got_support": shown(9),
        "got_support_share": shown(1.0),
        "new_plans": HIDDEN,  # four said no
        "new_plans_share": HIDDEN,
    }
    # Five people; the first by their later plan (30 -> 50): latest 50 50 60 70 40.
    assert report["gas"] == {
        "plans": shown(5),
        "baseline_t_score_median": shown(40.0),
        "latest_t_score_median": shown(50.0),
        "change_median": shown(20.0),
    }
    overall = next(d for d in report["assessments"] if d["domain"] == "overall")
    assert overall == {
        "instrument": "work_ability",
        "domain": "overall",
        "people": shown(5),
        "first_mean": shown(4.0),
        "latest_mean": shown(7.0),
        "change_mean": shown(3.0),
        "change_median": shown(3.0),
    }
    referrals = report["referrals"]
    assert referrals["made"] == shown(6)
    assert referrals["to_answer"] == {
        "referrals": shown(5),
        "median_days": shown(3.0),
        "p90_days": HIDDEN,  # of five referrals: nearly the longest one's wait
    }
    assert referrals["to_start"]["referrals"] == shown(0)

    logged = await db.fetchrow(
        "SELECT detail FROM audit_events WHERE action = 'report.outcomes' AND actor_id = $1",
        team.analyst.id,
    )
    assert logged["detail"]["organisation_ids"] == [team.ngo]


async def test_outcomes_pair_assessments_across_versions_of_an_instrument(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    """A client first assessed with one version of an instrument and later with the next
    is compared across the two: the figures follow the instrument, not its version."""
    team, clients = await finished_cohort(api, db, make)
    admin = await make.staff("admin", organisation_id=team.coach.organisation_id)
    newer = {**msgspec.to_builtins(WORK_ABILITY), "version": 2}
    added = await api.post("/api/v1/instruments", json=newer, headers=admin.headers)
    assert added.status_code == 201, added.text
    for client_id in clients[:5]:
        latest = await assess(
            api, team.coach, client_id, "work_ability", work_answers(9, 3), days_ago(2)
        )
        assert latest.json()["instrument_version"] == 2
    report = (
        await api.get(
            "/api/v1/reports/outcomes",
            params={"from": days_ago(120), "to": days_ago(0)},
            headers=team.analyst.headers,
        )
    ).json()
    overall = next(d for d in report["assessments"] if d["domain"] == "overall")
    # First 4 (version 1, 90 days ago), latest 9 (version 2): not 4 → 7 within version 1.
    assert (overall["people"], overall["first_mean"], overall["latest_mean"]) == (
        shown(5),
        shown(4.0),
        shown(9.0),
    )


async def test_outcomes_of_a_period_before_anything_happened(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, _ = await finished_cohort(api, db, make)
    report = (
        await api.get(
            "/api/v1/reports/outcomes",
            params={"from": "2020-01-01", "to": "2020-12-31"},
            headers=team.analyst.headers,
        )
    ).json()
    assert report["participants"] == shown(0)
    assert report["gas"]["change_median"] == shown(None)
    assert report["assessments"] == []


async def test_who_reads_outcomes(api: AsyncClient, db: asyncpg.Connection, make: Factory) -> None:
    team = await ngo_team(make)
    url = "/api/v1/reports/outcomes"
    assert (await api.get(url, headers=team.coach.headers)).status_code == 403
    assert (await api.get(url, headers=team.admin.headers)).status_code == 200
    outsider = await make.staff("analyst")
    foreign = await api.get(url, params={"organisation_id": team.ngo}, headers=outsider.headers)
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["field"] == "organisation_id"
    backwards = await api.get(
        url, params={"from": "2027-02-01", "to": "2027-01-01"}, headers=team.analyst.headers
    )
    assert backwards.json()["errors"][0]["field"] == "from"
    bad_date = await api.get(url, params={"from": "yesterday"}, headers=team.analyst.headers)
    assert bad_date.status_code == 422
    for name, day in [("from", "0001-01-01"), ("to", "9999-12-31")]:
        far = await api.get(url, params={name: day}, headers=team.analyst.headers)
        assert far.status_code == 422, far.text
        assert far.json()["errors"][0]["field"] == name


async def test_analysts_see_no_client(api: AsyncClient, make: Factory) -> None:
    team = await ngo_team(make)
    client_id = await make.client(team.coach)
    read = await api.get(f"/api/v1/clients/{client_id}", headers=team.analyst.headers)
    assert read.status_code == 404
    listed = await api.get("/api/v1/clients", headers=team.analyst.headers)
    assert listed.json()["items"] == []


async def test_a_county_analyst_sees_the_organisations_it_manages(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, _ = await finished_cohort(api, db, make)
    county = await db.fetchval("SELECT managed_by FROM organisations WHERE id = $1", team.ngo)
    analyst = await make.staff("analyst", organisation_id=county)
    report = (
        await api.get(
            "/api/v1/reports/outcomes", params={"from": days_ago(120)}, headers=analyst.headers
        )
    ).json()
    assert sorted(report["organisation_ids"]) == sorted([county, team.ngo])
    assert report["participants"] == shown(11)


async def test_esf_participant_export(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, clients = await finished_cohort(api, db, make)
    params = {"from": days_ago(120), "to": days_ago(0)}
    url = "/api/v1/reports/esf-participants.csv"
    assert (await api.get(url, params=params, headers=team.analyst.headers)).status_code == 403
    response = await api.get(url, params=params, headers=team.admin.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert "attachment" in response.headers["content-disposition"]
    assert response.content.startswith("\ufeff".encode())
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))
    assert len(rows) == 11
    by_id = {row["participant_id"]: row for row in rows}
    first = by_id[clients[0]]
    assert first["gender"] == "male"
    assert first["age_band_at_entry"] == "30_54"
    assert first["labour_market_status_at_entry"] == "long_term_unemployed"  # not "employed"
    assert first["long_term_unemployed_at_entry"] == "1"
    assert first["education_level_at_entry"] == "isced_0_2"
    assert first["entry_date"] == days_ago(100)  # the plan began before the group
    assert first["exit_date"] == days_ago(3)
    assert first["status_at_exit"] == "education"
    assert first["in_education_or_training_at_exit"] == "1"
    left = by_id[clients[10]]  # left the group, no plan
    assert left["status_at_exit"] == "not_recorded"
    assert left["exit_date"] < days_ago(60)
    assert "Testinen" not in text
    exported = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'report.esf_export' "
        "AND client_id IS NOT NULL AND actor_id = $1",
        team.admin.id,
    )
    assert exported == 11


async def test_people_count_once_and_only_while_they_were_there(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team = await ngo_team(make)
    programme = await create_programme(api, team.coach, capacity=10, skip_public_holidays=False)
    clients = [await make.client(team.coach) for _ in range(7)]
    places = [(await enrol(api, team.coach, programme["id"], c)).json()["id"] for c in clients]
    # One leaves and comes back: still one person in the group.
    await withdraw(api, team.coach, places[0], "Sairastui")
    assert (await enrol(api, team.coach, programme["id"], clients[0])).status_code == 201
    report = await api.get(
        f"/api/v1/reports/programmes/{programme['id']}", headers=team.coach.headers
    )
    enrolment = report.json()["enrolment"]
    assert (enrolment["participants"], enrolment["enrolled"]) == (shown(7), shown(7))
    assert enrolment["dropped_out"] == shown(0)

    # Another leaves for good; seventy days later the group has ended.
    await withdraw(api, team.coach, places[6], "Muutti pois")
    await shift_in_time(db, programme["id"], -70)

    async def participants(since: int) -> Any:
        outcomes = await api.get(
            "/api/v1/reports/outcomes",
            params={"from": days_ago(since)},
            headers=team.analyst.headers,
        )
        return outcomes.json()["participants"]

    assert await participants(80) == shown(7)
    assert await participants(30) == shown(6)  # the one who left before the period


async def test_feedback_recorded_wins_over_the_clients_round_answers(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    """Nine had feedback recorded with them (all "got support"); the group's end-of-group
    round was answered by the first of them ("no") and by the two who left, who had none
    recorded ("yes"): the first counts by what was recorded, the two by their own."""
    team, clients = await finished_cohort(api, db, make)
    programme_id = await db.fetchval(
        "SELECT programme_id FROM enrolments WHERE client_id = $1", clients[0]
    )
    round_id = await db.fetchval(
        "INSERT INTO questionnaire_rounds (programme_id, questionnaire_id, opens_on, closes_on, "
        "anonymous) SELECT $1, id, current_date, current_date, false FROM questionnaires "
        "WHERE key = 'group_end_feedback' ORDER BY version DESC LIMIT 1 RETURNING id",
        programme_id,
    )
    for client_id, answer in [(clients[0], "false"), (clients[9], "true"), (clients[10], "true")]:
        await db.execute(
            "INSERT INTO questionnaire_answers (round_id, role, client_id, answers) "
            "VALUES ($1, 'client', $2, jsonb_build_object('got_support', $3::text::boolean, "
            "'new_plans', $3::text::boolean))",
            round_id,
            client_id,
            answer,
        )
    response = await api.get(
        "/api/v1/reports/outcomes",
        params={"from": days_ago(120), "to": days_ago(0)},
        headers=team.analyst.headers,
    )
    assert response.status_code == 200, response.text
    feedback = response.json()["feedback"]
    assert feedback["responses"] == shown(11)
    assert (feedback["got_support"], feedback["got_support_share"]) == (shown(11), shown(1.0))


async def test_situations_upon_leaving_and_six_months_on(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, clients = await finished_cohort(api, db, make)
    # Eight left their plans three days ago: six looking for work, two in work.
    for n, client_id in enumerate(clients[:8]):
        recorded = await api.post(
            f"/api/v1/clients/{client_id}/exits",
            json={"left_on": days_ago(3), "situation": "employed" if n >= 6 else "job_seeking"},
            headers=team.coach.headers,
        )
        assert recorded.status_code == 201, recorded.text
    # Six were asked six months on (as if that time had passed); five answered "in work".
    asked = clients[:6]
    await db.execute(
        "UPDATE follow_ups SET status = 'asked', asked_at = now() WHERE client_id = ANY ($1)",
        asked,
    )
    await db.execute(
        "UPDATE follow_ups SET status = 'answered', situation = 'employed', source = 'client', "
        "recorded_on = current_date, answered_at = now() WHERE client_id = ANY ($1)",
        asked[:5],
    )
    response = await api.get(
        "/api/v1/reports/outcomes",
        params={"from": days_ago(120), "to": days_ago(0)},
        headers=team.analyst.headers,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    leaving = report["upon_leaving"]
    assert leaving["job_seeking"] == shown(6)
    assert leaving["education"] == shown(0)
    # Two in work and three not recorded: each too few, so both hidden.
    assert leaving["employed"] == leaving["not_recorded"] == HIDDEN
    later = report["six_months_on"]
    assert later["asked"] == shown(6)
    assert later["answered"] == shown(5)
    assert later["answered_share"] == shown(0.833)
    assert later["situations"]["employed"] == shown(5)

    export = await api.get(
        "/api/v1/reports/esf-participants.csv",
        params={"from": days_ago(120), "to": days_ago(0)},
        headers=team.admin.headers,
    )
    rows = list(
        csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"), newline=""), delimiter=";")
    )
    by_id = {row["participant_id"]: row for row in rows}
    first, in_work, unrecorded = by_id[clients[0]], by_id[clients[7]], by_id[clients[9]]
    assert (first["situation_upon_leaving"], first["job_searching_upon_leaving"]) == (
        "job_seeking",
        "1",
    )
    assert first["situation_six_months_after_leaving"] == "employed"
    assert (in_work["in_employment_upon_leaving"], in_work["job_searching_upon_leaving"]) == (
        "1",
        "0",
    )
    assert in_work["situation_six_months_after_leaving"] == ""
    assert unrecorded["situation_upon_leaving"] == ""


async def test_special_category_entry_answers_tell_declined_from_not_asked(
    api: AsyncClient, db: asyncpg.Connection, make: Factory
) -> None:
    team, clients = await finished_cohort(api, db, make)
    first, second = clients[0], clients[1]
    url = f"/api/v1/clients/{first}/esf-entry"
    assert (await api.get(url, headers=team.coach.headers)).json() == {
        "client_id": first,
        "disability": None,
        "minority": None,
        "homelessness": None,
        "recorded_at": None,
    }
    recorded = await api.put(
        url, json={"disability": "no", "minority": "declined"}, headers=team.coach.headers
    )
    assert recorded.status_code == 200, recorded.text
    assert (recorded.json()["disability"], recorded.json()["minority"]) == ("no", "declined")
    assert recorded.json()["homelessness"] is None
    refused = await api.put(url, json={"disability": "maybe"}, headers=team.coach.headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "disability"
    stranger = await make.staff("coach")
    assert (await api.get(url, headers=stranger.headers)).status_code == 404
    # Not in the client record anyone with reach reads or lists.
    record = await api.get(f"/api/v1/clients/{first}", headers=team.coach.headers)
    assert "minority" not in record.json()

    export = await api.get(
        "/api/v1/reports/esf-participants.csv",
        params={"from": days_ago(120), "to": days_ago(0)},
        headers=team.admin.headers,
    )
    rows = list(
        csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"), newline=""), delimiter=";")
    )
    by_id = {row["participant_id"]: row for row in rows}
    assert (by_id[first]["disability"], by_id[first]["minority"]) == ("no", "declined")
    assert by_id[first]["homeless_or_housing_exclusion"] == "not_asked"
    assert by_id[second]["minority"] == "not_asked"
    audited = await db.fetch(
        "SELECT action, outcome FROM audit_events WHERE client_id = $1 "
        "AND action LIKE 'esf_entry.%' ORDER BY id",
        first,
    )
    assert [tuple(r) for r in audited] == [
        ("esf_entry.read", "ok"),
        ("esf_entry.record", "ok"),
        ("esf_entry.read", "denied"),
    ]
