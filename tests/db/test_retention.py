"""The retention pass (issue 21, point 3): clients past `retention_until` and under no
legal hold are erased, once however many passes run together; a dry run changes
nothing; reports for past periods give the same figures before and after; the audit
rows about an erased client keep only ids, and the erasure is audited by the system."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import asyncpg
import pytest
from httpx import AsyncClient

from db.pool import connect
from service.base.clock import today_in_finland
from service.base.settings import Settings
from service.composers.data_rights import retention
from tests.api.coaching import add_goal, create_plan
from tests.api.test_reports import days_ago, finished_cohort
from tests.factories import Factory, Person

# Every table that holds a client_id and what erasure does with its rows (migration
# 0030's erase_client). A new table holding client data fails this test until erasure
# knows it.
ERASURE = {
    "access_requests": "deleted",
    "client_record_changes": "deleted (and the erasure itself not recorded in it)",
    "participant_support": "kept without note (support costs report)",
    "assessment_requests": "deleted",
    "assessments": "answers emptied; scores kept (outcomes report)",
    "attendance": "kept (attendance figures)",
    "attention_flags": "deleted",
    "calendar_feeds": "deleted",
    "client_page_links": "deleted (codes, sessions, their feeds with them)",
    "client_workers": "deleted",
    "consents": "kept without revocation reasons (a partner's report is exact or not by them)",
    "enrolments": "kept (group and outcome figures, withdrawal reasons grouped in reports)",
    "esf_sensitive_answers": "kept (ESF+ export)",
    "exits": "kept (outcomes report, ESF+ export)",
    "follow_ups": "kept, open ones cancelled (outcomes report, ESF+ export)",
    "inbound_sms": "deleted (notices with them)",
    "legal_holds": "deleted",
    "messages": "deleted (their page-link rows with them)",
    "notices": "deleted",
    "open_paths": "deleted (the waits the work list shows; migration 0039)",
    "plans": "kept (outcome figures); notes and meetings deleted, goals without text",
    "programme_feedback": "kept without comment (feedback figures)",
    "questionnaire_answers": "kept (a round's results count them, texts listed only from five)",
    "questionnaire_respondents": "kept (who answered a round: its response counts)",
    "referrals": "kept without reason and needs (waiting times, rejection reasons)",
    "rsvps": "deleted",
    "series_sequences": "deleted",
    "strengths_cvs": "deleted",
    "audit_events": "kept with ids only",
}


async def test_erasure_knows_every_table_that_holds_a_client(db: asyncpg.Connection) -> None:
    tables = await db.fetch(
        "SELECT DISTINCT table_name FROM information_schema.columns "
        "WHERE table_schema = 'public' AND column_name IN ('client_id', 'actor_client_id') "
        "AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)"
    )
    assert sorted(row["table_name"] for row in tables) == sorted(ERASURE)


@pytest.fixture
async def app_conn(settings: Settings) -> AsyncIterator[asyncpg.Connection]:
    """A connection as polku_app, as the worker and the command line have."""
    assert settings.app_login_url is not None
    conn = await connect(settings.app_login_url)
    yield conn
    await conn.close()


async def past_retention(db: asyncpg.Connection, client_id: str, by: Person) -> None:
    """Closed eleven years ago: its retention ended a year ago."""
    await db.execute(
        "UPDATE clients SET closed_on = current_date - 4018, closed_at = now() - interval "
        "'11 years', closed_by = $2, close_reason = 'Muutti Ruotsiin', "
        "retention_until = current_date - 365 WHERE id = $1",
        client_id,
        by.id,
    )


async def test_a_dry_run_lists_what_would_go_and_changes_nothing(
    db: asyncpg.Connection, make: Factory, app_conn: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    due = [await make.client(worker, first_name="Erkki") for _ in range(3)]
    kept = await make.client(worker)
    held = await make.client(worker)
    for client_id in [*due, held]:
        await past_retention(db, client_id, worker)
    await db.execute(
        "UPDATE clients SET closed_on = current_date, closed_at = now(), "
        "retention_until = current_date + 3652 WHERE id = $1",
        kept,
    )
    await db.execute(
        "INSERT INTO legal_holds (client_id, reason, placed_by) VALUES ($1, 'Oikeudenkäynti', $2)",
        held,
        worker.id,
    )
    before = await db.fetch("SELECT * FROM clients ORDER BY id")

    planned = await retention.dry_run(app_conn)
    assert planned.dry_run and planned.erased == 3 and planned.held == 1
    assert sorted(planned.client_ids) == sorted(due)
    assert await db.fetch("SELECT * FROM clients ORDER BY id") == before
    assert not await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'client.erase' "
        "AND client_id = ANY ($1::uuid[])",
        [*due, held],
    )

    done = await retention.run(app_conn)
    assert sorted(done.client_ids) == sorted(due) and done.held == 1
    erased = await db.fetch(
        "SELECT id, first_name, last_name, erased_at FROM clients WHERE id = ANY ($1::uuid[])",
        [*due, kept, held],
    )
    by_id = {row["id"]: row for row in erased}
    assert all(by_id[c]["erased_at"] and by_id[c]["first_name"] == "" for c in due)
    assert by_id[kept]["erased_at"] is None and by_id[held]["erased_at"] is None
    assert (await retention.run(app_conn)).erased == 0

    # Lifted, the hold keeps nothing: the next pass erases the client.
    await db.execute("UPDATE legal_holds SET lifted_at = now(), lifted_by = $1", worker.id)
    assert (await retention.run(app_conn)).client_ids == [held]
    assert not await db.fetchval("SELECT count(*) FROM legal_holds WHERE client_id = $1", held)


async def test_what_goes_and_what_the_audit_trail_keeps(
    api: AsyncClient, db: asyncpg.Connection, make: Factory, app_conn: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    admin = await make.staff("admin", organisation_id=worker.organisation_id)
    client_id = await make.client(
        worker,
        first_name="Salla",
        last_name="Salainen",
        email="salla@example.test",
        phone="+358401112233",
        home_municipality="Kemi",
    )
    read = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    assert read.status_code == 200
    patched = await api.patch(
        f"/api/v1/clients/{client_id}",
        json={"home_municipality": "Tornio"},
        headers=worker.headers,
    )
    assert patched.status_code == 200, patched.text
    cv = await api.put(
        f"/api/v1/clients/{client_id}/strengths-cv",
        json={"summary": "Salla osaa korjata polkupyöriä"},
        headers=worker.headers,
    )
    assert cv.status_code == 200, cv.text
    plan = await create_plan(api, worker, client_id, ends_on="2026-10-31")
    await add_goal(api, worker, plan["id"], title="Salla lopettaa tupakoinnin")
    note = await api.post(
        f"/api/v1/plans/{plan['id']}/notes",
        json={"body": "Sallan asunto on Kemissä"},
        headers=worker.headers,
    )
    assert note.status_code == 201, note.text
    meeting_id = await db.fetchval(
        "INSERT INTO meetings (plan_id, starts_at, ends_at, timezone, created_by) "
        "VALUES ($1, now() - interval '400 days', now() - interval '399 days', "
        "'Europe/Helsinki', $2) RETURNING id",
        plan["id"],
        worker.id,
    )
    await db.execute(  # the coach's own invitation to it
        "INSERT INTO messages (staff_id, kind, channel, scheduled_for, meeting_id, status) "
        "VALUES ($1, 'invite', 'email', now(), $2, 'sent')",
        worker.id,
        meeting_id,
    )
    closed = await api.post(
        f"/api/v1/clients/{client_id}/close",
        json={"closed_on": today_in_finland().isoformat(), "reason": "Salla muutti Ruotsiin"},
        headers=worker.headers,
    )
    assert closed.status_code == 200, closed.text
    await db.execute(
        "UPDATE clients SET retention_until = current_date - 1 WHERE id = $1", client_id
    )
    await db.execute(
        "INSERT INTO messages (client_id, kind, channel, scheduled_for, status, sent_at) "
        "VALUES ($1, 'reminder', 'email', now(), 'sent', now())",
        client_id,
    )

    # The ended plan is a wait on the work list (no continuation, no exit) until erasure.
    waits = "SELECT count(*) FROM open_paths WHERE client_id = $1"
    assert await db.fetchval(waits, client_id) == 2

    assert (await retention.run(app_conn)).client_ids == [client_id]

    row = await db.fetchrow("SELECT * FROM clients WHERE id = $1", client_id)
    assert (row["first_name"], row["last_name"], row["email"], row["phone"]) == ("", "", None, None)
    assert row["close_reason"] is None
    assert row["home_municipality"] == "Tornio"  # a column of the ESF+ export
    assert not await db.fetchval("SELECT count(*) FROM meetings WHERE plan_id = $1", plan["id"])
    assert not await db.fetchval("SELECT count(*) FROM plan_notes WHERE plan_id = $1", plan["id"])
    assert await db.fetchval("SELECT title FROM goals WHERE plan_id = $1", plan["id"]) == ""
    for table in (
        "strengths_cvs",
        "messages",
        "client_workers",
        "client_record_changes",
        "open_paths",
    ):
        count = await db.fetchval(f"SELECT count(*) FROM {table} WHERE client_id = $1", client_id)  # noqa: S608
        assert count == 0, table
    # A later change to a row erasure keeps brings no wait back.
    await db.execute("UPDATE plans SET ends_on = ends_on - 1 WHERE id = $1", plan["id"])
    assert await db.fetchval(waits, client_id) == 0
    # Nobody reaches an erased client, its organisation's admins neither.
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=admin.headers)).status_code == 404
    listed = await api.get("/api/v1/clients", headers=admin.headers)
    assert client_id not in listed.text

    events = await db.fetch(
        "SELECT action, actor_id, subject_id, detail::text AS detail FROM audit_events "
        "WHERE client_id = $1 ORDER BY id",
        client_id,
    )
    text = " ".join(f"{e['subject_id']} {e['detail']}" for e in events)
    for said in ("Salla", "Salainen", "Ruotsiin", "Tornio", "Kemi", "polkupyör", "salla@", "tupak"):
        assert said not in text, said
    actions = [e["action"] for e in events]
    erasures = [e for e in events if e["action"] == "client.erase"]
    assert len(erasures) == 1 and erasures[0]["actor_id"] is None  # the system
    # What stays is the trail itself: who, what, when, about which client.
    assert {"client.read", "client.update", "client.close"} <= set(actions)


async def test_audit_rows_stay_append_only(
    db: asyncpg.Connection, make: Factory, app_conn: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    client_id = await make.client(worker)
    await db.execute(
        "INSERT INTO audit_events (actor_id, action, client_id, detail) "
        "VALUES ($1, 'client.update', $2, '{\"home_municipality\": \"Kemi\"}')",
        worker.id,
        client_id,
    )
    # Not erased: nobody may scrub its rows, the owner neither.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.fetchval("SELECT scrub_erased_client_audit($1)", client_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("UPDATE audit_events SET detail = NULL WHERE client_id = $1", client_id)
    await past_retention(db, client_id, worker)
    await retention.run(app_conn)
    # Erased: its rows lose what is not an id, and nothing else changes, still not by hand.
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await app_conn.execute(
            "UPDATE audit_events SET detail = NULL WHERE client_id = $1", client_id
        )
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("UPDATE audit_events SET action = 'x' WHERE client_id = $1", client_id)
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await db.execute("DELETE FROM audit_events WHERE client_id = $1", client_id)
    details = await db.fetch(
        "SELECT detail FROM audit_events WHERE client_id = $1 AND action = 'client.update'",
        client_id,
    )
    assert [row["detail"] for row in details] == [{}]


async def test_concurrent_passes_erase_each_client_once(
    db: asyncpg.Connection, make: Factory, settings: Settings
) -> None:
    worker = await make.staff("coach")
    due = [await make.client(worker) for _ in range(30)]
    await db.execute(
        "UPDATE clients SET closed_on = current_date - 4018, closed_at = now(), "
        "retention_until = current_date - 365 WHERE id = ANY ($1::uuid[])",
        due,
    )
    assert settings.app_login_url is not None
    conns = [await connect(settings.app_login_url) for _ in range(3)]
    try:
        passes = await asyncio.gather(*(retention.run(c, batch_size=4) for c in conns))
    finally:
        for conn in conns:
            await conn.close()
    erased = [client_id for done in passes for client_id in done.client_ids]
    assert sorted(erased) == sorted(due)  # each once, by one pass or another
    logged = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE action = 'client.erase' "
        "AND client_id = ANY ($1::uuid[])",
        due,
    )
    assert logged == len(due)


async def test_reports_for_past_periods_give_the_same_figures_after_erasure(
    api: AsyncClient, db: asyncpg.Connection, make: Factory, app_conn: asyncpg.Connection
) -> None:
    team, clients = await finished_cohort(api, db, make)
    # Exits and answered follow-ups, ESF+ special-category answers, a rejected referral.
    for n, client_id in enumerate(clients[:7]):
        exit_id = await db.fetchval(
            "INSERT INTO exits (client_id, left_on, situation, recorded_by) "
            "VALUES ($1, current_date - 7, $2, $3) RETURNING id",
            client_id,
            "job_seeking" if n % 2 else "employed",
            team.coach.id,
        )
        await db.execute(
            "INSERT INTO follow_ups (client_id, exit_id, due_on, status, situation, source, "
            "recorded_on, answered_at) VALUES ($1, $2, current_date - 3, 'answered', "
            "'education', 'client', current_date - 3, now() - interval '3 days')",
            client_id,
            exit_id,
        )
        await db.execute(
            "INSERT INTO esf_sensitive_answers (client_id, disability, minority, homelessness,"
            " recorded_by) VALUES ($1, 'declined', 'no', 'yes', $2)",
            client_id,
            team.coach.id,
        )
    await db.execute(
        "UPDATE clients SET home_municipality = 'Oulu' WHERE id = ANY ($1::uuid[])", clients
    )
    await db.execute("UPDATE clients SET non_disclosure = true WHERE id = $1", clients[1])
    period = {"from": days_ago(120), "to": days_ago(1)}
    programme_id = await db.fetchval(
        "SELECT programme_id FROM enrolments WHERE client_id = $1", clients[0]
    )

    async def reports() -> tuple[object, object, bytes]:
        outcomes = await api.get(
            "/api/v1/reports/outcomes", params=period, headers=team.admin.headers
        )
        group = await api.get(
            f"/api/v1/reports/programmes/{programme_id}", headers=team.admin.headers
        )
        esf = await api.get(
            "/api/v1/reports/esf-participants.csv", params=period, headers=team.admin.headers
        )
        assert outcomes.status_code == group.status_code == esf.status_code == 200
        return outcomes.json(), group.json(), esf.content

    before = await reports()
    # The figures count the people about to be erased (so that erasing them could move
    # them): every participant in the export, their exits and answers among them.
    esf_lines = before[2].decode("utf-8-sig").splitlines()
    assert len(esf_lines) == 12 and sum("declined" in line for line in esf_lines) == 7
    assert sum("Oulu" in line for line in esf_lines) == 10  # one marked non-disclosure
    assert "employed" in str(before[0]) and "education" in str(before[0])
    # Eight of the eleven closed long ago, one of them held.
    for client_id in clients[:8]:
        await past_retention(db, client_id, team.coach)
    await db.execute(
        "INSERT INTO legal_holds (client_id, reason, placed_by) VALUES ($1, 'Valitus', $2)",
        clients[7],
        team.admin.id,
    )
    done = await retention.run(app_conn)
    assert sorted(done.client_ids) == sorted(clients[:7])
    assert (
        await db.fetchval(
            "SELECT count(*) FROM clients WHERE id = ANY ($1::uuid[]) AND first_name = ''",
            clients[:7],
        )
        == 7
    )

    after = await reports()
    assert after[0] == before[0]
    assert after[1] == before[1]
    assert after[2] == before[2]


async def test_a_client_that_cannot_be_erased_holds_up_no_other(
    db: asyncpg.Connection, make: Factory, app_conn: asyncpg.Connection
) -> None:
    worker = await make.staff("coach")
    due = [await make.client(worker) for _ in range(5)]
    for client_id in due:
        await past_retention(db, client_id, worker)
    stuck = due[2]
    await db.execute(
        "INSERT INTO strengths_cvs (client_id, summary, updated_by) VALUES ($1, 'stuck', $2)",
        stuck,
        worker.id,
    )
    await db.execute(
        "CREATE FUNCTION test_refuse_erasure() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"
    )
    await db.execute(
        "CREATE TRIGGER test_stuck BEFORE DELETE ON strengths_cvs FOR EACH ROW "
        "WHEN (OLD.summary = 'stuck') EXECUTE FUNCTION test_refuse_erasure()"
    )
    try:
        done = await retention.run(app_conn, batch_size=2)
    finally:
        await db.execute("DROP TRIGGER test_stuck ON strengths_cvs")
        await db.execute("DROP FUNCTION test_refuse_erasure()")
    assert done.failed == [stuck]
    assert sorted(done.client_ids) == sorted(set(due) - {stuck})
    assert await db.fetchval("SELECT first_name FROM clients WHERE id = $1", stuck) != ""
    assert (await retention.run(app_conn)).client_ids == [stuck]  # the next pass
