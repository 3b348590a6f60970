"""The export of everything Polku holds on one client: admins of the client's organisation
only, audited, as JSON and as a printable page in the client's language; the record's
change history in it; and no table holding client data left out unnoticed."""

from __future__ import annotations

import hashlib
from typing import Any

import asyncpg
import pytest
from httpx import AsyncClient

from service.composers.export.export import LEFT_OUT, TABLES
from service.composers.export.types import Record
from tests.api.programmes import days_from_today
from tests.api.test_access_matrix import _WORK_ABILITY_ANSWERS, World, _build_world
from tests.factories import Factory, Person


async def export_of(api: AsyncClient, who: Person, client_id: str, **params: str) -> Any:
    response = await api.get(
        f"/api/v1/clients/{client_id}/export", params=params, headers=who.headers
    )
    assert response.status_code == 200, response.text
    return response.json() if params.get("format", "json") == "json" else response.text


async def test_admins_of_the_clients_organisation_export_and_it_is_audited(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    organisation = await make.organisation(name="Kaupungin sosiaalityö")
    admin = await make.staff("admin", organisation_id=organisation, name="Ada Admin")
    worker = await make.staff("referrer", organisation_id=organisation, name="Wilma Työntekijä")
    other_admin = await make.staff("admin")
    client_id = await make.client(
        worker, first_name="Anna", last_name="Salainen", email="anna@example.org"
    )
    read = await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)
    assert read.status_code == 200

    refused = await api.get(f"/api/v1/clients/{client_id}/export", headers=worker.headers)
    assert refused.status_code == 403
    outside = await api.get(f"/api/v1/clients/{client_id}/export", headers=other_admin.headers)
    assert outside.status_code == 404
    assert "Salainen" not in outside.text
    unknown = await api.get(
        "/api/v1/clients/00000000-0000-0000-0000-000000000001/export", headers=admin.headers
    )
    assert unknown.status_code == 404
    bad = await api.get(
        f"/api/v1/clients/{client_id}/export", params={"format": "pdf"}, headers=admin.headers
    )
    assert bad.status_code == 422
    assert "format" in bad.text

    document = await export_of(api, admin, client_id)
    assert document["format"] == 1
    assert document["record"]["last_name"] == "Salainen"
    assert document["record"]["organisation"] == "Kaupungin sosiaalityö"
    assert [w["name"] for w in document["workers"]] == ["Wilma Työntekijä"]
    reads = [
        (e["staff_name"], e["organisation"], e["action"])
        for e in document["access_log"]
        if e["action"] == "client.read"
    ]
    assert reads == [("Wilma Työntekijä", "Kaupungin sosiaalityö", "client.read")]
    # The other admin's refused export is in the log too, as what it was.
    assert ("client.export", "denied") in {
        (e["action"], e["outcome"]) for e in document["access_log"]
    }
    rows = await db.fetch(
        "SELECT action, outcome, detail FROM audit_events WHERE client_id = $1 AND actor_id = $2",
        client_id,
        admin.id,
    )
    assert [(r["action"], r["outcome"], r["detail"]) for r in rows] == [
        ("client.export", "ok", {"format": "json"})
    ]


async def test_the_printable_page_is_in_the_clients_language(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation, name="Wilma <b>W</b>")
    client_id = await make.client(
        worker, first_name="Stina", last_name="Sundström", language="sv", timezone="Europe/Helsinki"
    )
    await make.consent(client_id, "sms_reminders", worker)
    await api.get(f"/api/v1/clients/{client_id}", headers=worker.headers)

    page = await export_of(api, admin, client_id, format="html")
    assert '<html lang="sv">' in page
    assert "Uppgifter som Polku har om dig" in page
    assert "Vem som har tittat på eller ändrat dina uppgifter" in page
    assert "Stina Sundström" in page
    assert "sms_reminders" in page
    assert "Wilma &lt;b&gt;W&lt;/b&gt;" in page  # escaped, never markup
    english = await export_of(api, admin, client_id, format="html", lang="en")
    assert "What Polku holds on you" in english
    assert '<html lang="en">' in english
    formats = await db.fetch(
        "SELECT detail->>'format' AS f FROM audit_events WHERE client_id = $1 AND actor_id = $2 "
        "AND action = 'client.export' ORDER BY id",
        client_id,
        admin.id,
    )
    assert [r["f"] for r in formats] == ["html", "html"]


async def test_record_changes_keep_who_when_old_and_new(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    organisation = await make.organisation()
    admin = await make.staff("admin", organisation_id=organisation)
    worker = await make.staff("referrer", organisation_id=organisation, name="Wilma")
    client_id = await make.client(worker, first_name="Anna", last_name="Salainen", phone=None)
    changed = await api.patch(
        f"/api/v1/clients/{client_id}",
        json={"last_name": "Virtanen", "phone": "040 123 4567", "first_name": "Anna"},
        headers=worker.headers,
    )
    assert changed.status_code == 200, changed.text
    second = await api.patch(
        f"/api/v1/clients/{client_id}", json={"last_name": "Salainen"}, headers=admin.headers
    )
    assert second.status_code == 200
    # A change made by Polku itself (no staff member named) is kept too.
    await db.execute("UPDATE clients SET plain_language = true WHERE id = $1", client_id)

    document = await export_of(api, admin, client_id)
    history = [
        (c["changed_by"], c["field"], c["old_value"], c["new_value"])
        for c in document["record_changes"]
    ]
    assert history == [
        ("Wilma", "last_name", "Salainen", "Virtanen"),
        ("Wilma", "phone", None, "040 123 4567"),
        (admin.name, "last_name", "Virtanen", "Salainen"),
        (None, "plain_language", False, True),
    ]  # the unchanged first name and the derived columns leave nothing
    times = [c["changed_at"] for c in document["record_changes"]]
    assert times == sorted(times)


async def test_the_history_cannot_be_rewritten_by_the_application(
    make: Factory, db: asyncpg.Connection
) -> None:
    worker = await make.staff("referrer")
    client_id = await make.client(worker, last_name="Salainen")
    await db.execute("UPDATE clients SET last_name = 'Virtanen' WHERE id = $1", client_id)
    async with db.transaction():
        await db.execute("SET LOCAL ROLE polku_app")
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await db.execute(
                "UPDATE client_record_changes SET new_value = '\"Muu\"' WHERE client_id = $1",
                client_id,
            )
    kept = await db.fetchval(
        "SELECT new_value FROM client_record_changes WHERE client_id = $1", client_id
    )
    assert kept == "Virtanen"


# Completeness ----------------------------------------------------------------------------

_FOREIGN_KEYS = """
SELECT kcu.table_name, kcu.column_name, ccu.table_name AS parent, ccu.column_name AS parent_column
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage kcu
  ON kcu.constraint_schema = tc.constraint_schema AND kcu.constraint_name = tc.constraint_name
JOIN information_schema.constraint_column_usage ccu
  ON ccu.constraint_schema = tc.constraint_schema AND ccu.constraint_name = tc.constraint_name
WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = 'public'
"""
# A column of this name holds a client's id, with or without a foreign key (audit rows
# keep theirs after the client is gone).
_CLIENT_COLUMNS = """
SELECT table_name, column_name FROM information_schema.columns
WHERE table_schema = 'public' AND column_name IN ('client_id', 'actor_client_id')
  AND table_name IN (SELECT table_name FROM information_schema.tables
                     WHERE table_schema = 'public' AND table_type = 'BASE TABLE')
  AND table_name NOT IN (SELECT relname FROM pg_class WHERE relispartition)
"""

Edges = dict[str, list[tuple[str, str, str]]]


async def client_tables(db: asyncpg.Connection) -> Edges:
    """Every table that holds rows of a client: one that names a client (a foreign key to
    clients or a client_id column), or that refers to such a table's rows, however deep.
    Each with the references that tie its rows to a client."""
    references = [tuple(row) for row in await db.fetch(_FOREIGN_KEYS)]
    references += [(t, c, "clients", "id") for t, c in await db.fetch(_CLIENT_COLUMNS)]
    found: Edges = {"clients": []}
    while True:
        added = False
        for table, column, parent, parent_column in references:
            if parent in found and table != parent:
                edges = found.setdefault(table, [])
                if (column, parent, parent_column) not in edges:
                    edges.append((column, parent, parent_column))
                    added = True
        if not added:
            return found


def belongs(edges: Edges, table: str, alias: str, path: frozenset[str] = frozenset()) -> str:
    """SQL that is true for a row of `table` (as `alias`) that belongs to client $1."""
    if table == "clients":
        return f"{alias}.id = $1::uuid"
    ways = []
    for column, parent, parent_column in edges[table]:
        if parent in path:
            continue
        inner = f"p{len(path)}"
        condition = belongs(edges, parent, inner, path | {table})
        ways.append(
            f"{alias}.{column} IN (SELECT {inner}.{parent_column} FROM {parent} {inner} "  # noqa: S608
            f"WHERE {condition})"
        )
    return "(" + " OR ".join(ways or ["false"]) + ")"


def ids_in(value: Any) -> set[Any]:
    """Every `id` anywhere in a part of the export."""
    if isinstance(value, dict):
        found = {value["id"]} if "id" in value else set()
        return found.union(*(ids_in(item) for item in value.values()))
    if isinstance(value, list):
        return set().union(*(ids_in(item) for item in value))
    return set()


async def test_every_table_holding_client_data_is_in_the_export_or_left_out_with_a_reason(
    db: asyncpg.Connection,
) -> None:
    tables = set(await client_tables(db))
    assert tables - TABLES.keys() - LEFT_OUT.keys() == set(), (
        "a table holds client data that the export does not give: add it to "
        "service/composers/export (TABLES), or to LEFT_OUT with the reason"
    )
    assert (TABLES.keys() | LEFT_OUT.keys()) - tables == set(), "no such tables any more"
    assert TABLES.keys() & LEFT_OUT.keys() == set()
    assert all(len(reason) > 20 for reason in LEFT_OUT.values())


# Columns of a client record that are no data of their own: derived by PostgreSQL from
# others the record gives.
DERIVED_COLUMNS = {"sort_name", "phone_e164"}


async def test_every_column_of_the_client_record_is_in_the_export(db: asyncpg.Connection) -> None:
    columns = {
        row["column_name"]
        for row in await db.fetch(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = 'clients'"
        )
    }
    given = set(Record.__struct_fields__)
    assert columns - DERIVED_COLUMNS - given == set(), (
        "a column of clients is missing from the export's record (export/types.py, "
        "queries.sql: record)"
    )


async def _everything(api: AsyncClient, make: Factory, db: asyncpg.Connection) -> World:
    """The access matrix's client, who has a little of everything, given the rest."""
    world = await _build_world(api, make, db)
    client, people = world.ids["client"], world.people
    coach, worker, admin = people["plan_coach"], people["worker"], people["admin"]

    async def ok(method: str, path: str, who: Person, body: Any = None) -> dict:
        response = await api.request(method, path, json=body, headers=who.headers)
        assert 200 <= response.status_code < 300, (path, response.text)
        return response.json() if response.content else {}

    plan = world.ids["plan"]
    await ok(
        "POST",
        f"/api/v1/goals/{world.ids['goal']}/ratings",
        coach,
        {"level": 0, "rated_on": days_from_today(0), "note": "Käveli joka päivä"},
    )
    await ok(
        "PUT",
        f"/api/v1/plans/{plan}/continuation",
        coach,
        {"next_step": "education", "description": "Ammattikoulu syksyllä"},
    )
    await ok("POST", f"/api/v1/plans/{plan}/notes", coach, {"body": "Luottamuksellinen asia"})
    await ok(
        "POST", f"/api/v1/plans/{plan}/assessment-requests", coach, {"instrument": "work_ability"}
    )
    await ok(
        "POST",
        f"/api/v1/clients/{client}/assessments",
        coach,
        {
            "instrument": "work_ability",
            "assessed_on": days_from_today(0),
            "answers": _WORK_ABILITY_ANSWERS,
        },
    )
    await ok("PUT", f"/api/v1/clients/{client}/esf-entry", worker, {"disability": "declined"})
    await ok("PATCH", f"/api/v1/clients/{client}", worker, {"home_municipality": "Tampere"})
    await ok(
        "POST",
        f"/api/v1/clients/{client}/access-requests",
        worker,
        {"received_on": days_from_today(-3)},
    )
    await ok(
        "POST",
        f"/api/v1/clients/{client}/legal-hold",
        admin,
        {"reason": "Valitus hallinto-oikeudessa"},
    )
    await ok("POST", f"/api/v1/clients/{client}/calendar-feed", worker)
    link = await ok("POST", f"/api/v1/clients/{client}/page-link", worker)
    world.ids["page_token"] = link["url"].rsplit("/", 1)[-1]
    await ok("POST", f"/api/v1/clients/{client}/page-link/send", worker, {"channel": "email"})
    link_id = await db.fetchval(
        "SELECT id FROM client_page_links WHERE client_id = $1 AND revoked_at IS NULL", client
    )
    await db.execute(
        "INSERT INTO client_page_codes (link_id, code_hash, channel, expires_at) "
        "VALUES ($1, '\\x00', 'email', now() + interval '10 minutes')",
        link_id,
    )
    await db.execute(
        "INSERT INTO client_page_sessions (link_id, secret_hash, expires_at) "
        "VALUES ($1, '\\xfeedface', now() + interval '15 minutes')",
        link_id,
    )
    sms = await db.fetchval(
        "INSERT INTO inbound_sms (gateway_id, received_at, handled_as, client_id, text) "
        "VALUES ('gw-1', now(), 'forwarded', $1, 'Voinko tulla myöhemmin?') RETURNING id",
        client,
    )
    await db.execute(
        "INSERT INTO notices (staff_id, kind, client_id, inbound_sms_id) "
        "VALUES ($1, 'client_message', $2, $3)",
        worker.id,
        client,
        sms,
    )
    # A named feedback round of the client's group, answered by the client.
    round_id = await db.fetchval(
        "INSERT INTO questionnaire_rounds (programme_id, questionnaire_id, opens_on, closes_on, "
        "anonymous) SELECT $1, id, current_date, current_date, false FROM questionnaires "
        "WHERE key = 'group_end_feedback' ORDER BY version DESC LIMIT 1 RETURNING id",
        world.ids["programme"],
    )
    await db.execute(
        "INSERT INTO questionnaire_respondents (round_id, client_id) VALUES ($1, $2)",
        round_id,
        client,
    )
    await db.execute(
        "INSERT INTO questionnaire_answers (round_id, role, client_id, answers) "
        "VALUES ($1, 'client', $2, '{\"got_support\": true}')",
        round_id,
        client,
    )
    world.people["exporter"] = admin
    return world


async def test_the_export_gives_every_row_the_tables_hold_of_the_client(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    world = await _everything(api, make, db)
    client = world.ids["client"]
    edges = await client_tables(db)
    sections: dict[str, list[str]] = {}
    for table, section in TABLES.items():
        sections.setdefault(section, []).append(table)
    held: dict[str, tuple[list[Any], int]] = {}
    for table in TABLES:
        has_id = await db.fetchval(
            "SELECT EXISTS (SELECT FROM information_schema.columns WHERE table_schema = 'public'"
            " AND table_name = $1 AND column_name = 'id')",
            table,
        )
        where = belongs(edges, table, "t")
        count = await db.fetchval(f"SELECT count(*) FROM {table} t WHERE {where}", client)  # noqa: S608
        ids = (
            [r["id"] for r in await db.fetch(f"SELECT t.id FROM {table} t WHERE {where}", client)]  # noqa: S608
            if has_id
            else []
        )
        held[table] = (ids, count)
    empty = sorted(table for table, (_, count) in held.items() if count == 0)
    assert empty == [], "the test's client should have rows in every table it checks"

    document = await export_of(api, world.people["exporter"], client)
    missing = {}
    for table, section in TABLES.items():
        ids, count = held[table]
        part = document[section]
        if ids:
            given = ids_in(part)
            lost = [i for i in ids if i not in given]
            if lost:
                missing[table] = lost
        elif isinstance(part, list) and sections[section] == [table]:
            if len(part) != count:
                missing[table] = [f"{count} rows, {len(part)} given"]
        elif not part:
            missing[table] = ["nothing given"]
    assert missing == {}


async def test_no_secret_is_in_the_export(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    world = await _everything(api, make, db)
    client = world.ids["client"]
    text = str(await export_of(api, world.people["exporter"], client))
    page = await export_of(api, world.people["exporter"], client, format="html")
    digests = [
        *(
            r["h"].hex()
            for r in await db.fetch(
                "SELECT token_hash AS h FROM client_page_links WHERE client_id = $1 UNION ALL "
                "SELECT token_hash FROM calendar_feeds WHERE client_id = $1",
                client,
            )
        ),
        "feedface",
    ]
    for secret in [world.ids["page_token"], *digests]:
        assert secret not in text and secret not in page
    assert hashlib.sha256(world.ids["page_token"].encode()).hexdigest() not in text
    # The page link waiting in its message is a secret too.
    waiting = await db.fetchval("SELECT url FROM page_link_messages LIMIT 1")
    if waiting is not None:
        assert waiting not in text and waiting.rsplit("/", 1)[-1] not in page
