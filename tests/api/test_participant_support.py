"""Participant support (tickets, rides, meals): exact euros from request to report, who
may give and delete it, the programme's list with totals over what the viewer sees, the
support report for a period, and the ESF+ export's column."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import Any

import asyncpg
from httpx import AsyncClient, Response

from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person


@dataclass
class Group:
    organisation: str
    facilitator: Person
    admin: Person
    programme: str
    sessions: list[str]
    clients: list[str]


async def _group(api: AsyncClient, make: Factory, clients: int = 2) -> Group:
    """A group whose first session was yesterday, with `clients` enrolled."""
    organisation = await make.organisation()
    facilitator = await make.staff("coach", organisation_id=organisation)
    admin = await make.staff("admin", organisation_id=organisation)
    programme = await create_programme(
        api, facilitator, first_session_date=days_from_today(-1), skip_public_holidays=False
    )
    ids = []
    for number in range(clients):
        client = await make.client(admin, first_name=f"Aino{number}", last_name="Kallio")
        assert (await enrol(api, admin, programme["id"], client)).status_code == 201
        ids.append(client)
    return Group(
        organisation,
        facilitator,
        admin,
        programme["id"],
        [s["id"] for s in programme["sessions"]],
        ids,
    )


async def _give(
    api: AsyncClient, by: Person, session: str, client: str, amount: Any, kind: str = "bus_ticket"
) -> Response:
    return await api.post(
        f"/api/v1/sessions/{session}/support",
        json={"client_id": client, "kind": kind, "amount_eur": amount},
        headers=by.headers,
    )


def _fields(response: Response) -> list[str]:
    return [error["field"] for error in response.json().get("errors", [])]


async def test_amounts_are_exact_decimals_and_sums_do_not_drift(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    group = await _group(api, make, clients=1)
    session, client = group.sessions[0], group.clients[0]
    first = await _give(api, group.facilitator, session, client, 0.1)
    assert first.status_code == 201, first.text
    assert first.json()["amount_eur"] == "0.10"
    assert first.json()["client_name"] == "Aino0 K."
    assert first.json()["given_by"] == group.facilitator.id
    assert (await _give(api, group.facilitator, session, client, "0.20")).status_code == 201
    # A float would sum 0.1 + 0.2 to 0.30000000000000004.
    listed = await api.get(
        f"/api/v1/programmes/{group.programme}/support", headers=group.facilitator.headers
    )
    assert listed.status_code == 200, listed.text
    totals = listed.json()["totals"]
    assert totals["amount_eur"] == "0.30"
    assert totals["by_kind"] == [{"kind": "bus_ticket", "entries": 2, "amount_eur": "0.30"}]
    stored = await db.fetchval(
        "SELECT sum(amount_eur)::text FROM participant_support WHERE client_id = $1", client
    )
    assert stored == "0.30"
    # 2.675 as a JSON number is read as 2.675, not the float 2.67499…: three decimals,
    # refused rather than rounded either way.
    for amount in (2.675, "2.675", "0.001"):
        refused = await _give(api, group.facilitator, session, client, amount)
        assert refused.status_code == 422, refused.text
        assert _fields(refused) == ["amount_eur"]
    # Trailing zeros are still cents; large and whole amounts are fine.
    same = await _give(api, group.facilitator, session, client, "2.670")
    assert same.json()["amount_eur"] == "2.67"
    assert (await _give(api, group.facilitator, session, client, 1000)).json()[
        "amount_eur"
    ] == "1000.00"
    assert (await _give(api, group.facilitator, session, client, "0")).json()["amount_eur"] == (
        "0.00"
    )


async def test_invalid_input_names_the_field(api: AsyncClient, make: Factory) -> None:
    group = await _group(api, make, clients=1)
    session, client = group.sessions[0], group.clients[0]
    for amount in (-1, "-0.01", "1000.01", "NaN", "Infinity", "1e9", "kymmenen", True, None):
        refused = await _give(api, group.facilitator, session, client, amount)
        assert refused.status_code == 422, (amount, refused.text)
        assert _fields(refused) == ["amount_eur"], (amount, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    wrong_kind = await _give(api, group.facilitator, session, client, "2.00", kind="lottery")
    assert wrong_kind.status_code == 422
    assert _fields(wrong_kind) == ["kind"]
    long_note = await api.post(
        f"/api/v1/sessions/{session}/support",
        json={"client_id": client, "kind": "meal", "amount_eur": "5", "note": "x" * 501},
        headers=group.facilitator.headers,
    )
    assert long_note.status_code == 422
    assert _fields(long_note) == ["note"]
    # A client the admin reaches but who has no place in the group.
    outsider = await make.client(group.admin)
    not_enrolled = await _give(api, group.admin, session, outsider, "2.00")
    assert not_enrolled.status_code == 422, not_enrolled.text
    assert _fields(not_enrolled) == ["client_id"]
    unknown_session = await api.post(
        "/api/v1/sessions/00000000-0000-0000-0000-000000000000/support",
        json={"client_id": client, "kind": "meal", "amount_eur": "5"},
        headers=group.facilitator.headers,
    )
    assert unknown_session.status_code == 404


async def test_who_may_give_and_delete(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    group = await _group(api, make, clients=1)
    session, client = group.sessions[0], group.clients[0]
    # The client's responsible worker reaches the client but does not run the group.
    worker = await make.staff("referrer", organisation_id=group.organisation)
    await make.responsible(client, worker)
    assert (await _give(api, worker, session, client, "2.00")).status_code == 403
    # Staff of another organisation do not reach the client: not found, and audited.
    stranger = await make.staff("coach")
    out = await _give(api, stranger, session, client, "2.00")
    assert out.status_code == 404
    assert client not in out.text
    denied = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE client_id = $1 AND actor_id = $2 "
        "AND action = 'support.write' AND outcome = 'denied'",
        client,
        stranger.id,
    )
    assert denied == 1
    # The organisation's admin gives too.
    by_admin = await _give(api, group.admin, session, client, "4.50", kind="meal")
    assert by_admin.status_code == 201, by_admin.text
    given = await _give(api, group.facilitator, session, client, "3.10")
    entry = given.json()["id"]
    written = await db.fetch(
        "SELECT actor_id, detail FROM audit_events WHERE client_id = $1 "
        "AND action = 'support.write' AND outcome = 'ok' ORDER BY id",
        client,
    )
    assert [row["actor_id"] for row in written] == [group.admin.id, group.facilitator.id]

    # Deleting: not the worker, not another facilitator; the giver or an admin.
    other = await make.staff("coach", organisation_id=group.organisation)
    await db.execute(
        "INSERT INTO programme_staff (programme_id, staff_id, role) VALUES ($1, $2, 'facilitator')",
        group.programme,
        other.id,
    )
    assert (await api.delete(f"/api/v1/support/{entry}", headers=worker.headers)).status_code == 403
    assert (await api.delete(f"/api/v1/support/{entry}", headers=other.headers)).status_code == 403
    assert (
        await api.delete(f"/api/v1/support/{entry}", headers=stranger.headers)
    ).status_code == 404
    gone = await api.delete(f"/api/v1/support/{entry}", headers=group.facilitator.headers)
    assert gone.status_code == 204, gone.text
    assert (
        await api.delete(f"/api/v1/support/{entry}", headers=group.facilitator.headers)
    ).status_code == 404
    by_admin_id = by_admin.json()["id"]
    assert (
        await api.delete(f"/api/v1/support/{by_admin_id}", headers=group.admin.headers)
    ).status_code == 204
    deleted = await db.fetch(
        "SELECT actor_id, detail FROM audit_events WHERE client_id = $1 "
        "AND action = 'support.delete' AND outcome = 'ok' ORDER BY id",
        client,
    )
    assert [row["actor_id"] for row in deleted] == [group.facilitator.id, group.admin.id]
    detail = deleted[0]["detail"]
    detail = json.loads(detail) if isinstance(detail, str) else detail
    assert (detail["kind"], detail["amount_eur"]) == ("bus_ticket", "3.10")
    assert (
        await db.fetchval("SELECT count(*) FROM participant_support WHERE client_id = $1", client)
        == 0
    )


async def test_the_list_and_its_totals_cover_only_clients_in_reach(
    api: AsyncClient, make: Factory
) -> None:
    group = await _group(api, make, clients=2)
    first, second = group.clients
    s1, s2 = group.sessions[0], group.sessions[1]
    for session, client, amount, kind in [
        (s1, first, "3.10", "bus_ticket"),
        (s1, first, "6.50", "meal"),
        (s1, second, "3.10", "bus_ticket"),
        (s2, second, "25.00", "taxi"),
    ]:
        response = await _give(api, group.facilitator, session, client, amount, kind=kind)
        assert response.status_code == 201, response.text
    everything = (
        await api.get(
            f"/api/v1/programmes/{group.programme}/support", headers=group.facilitator.headers
        )
    ).json()
    assert [(i["session_number"], i["amount_eur"]) for i in everything["items"]][-1] == (
        2,
        "25.00",
    )
    assert everything["totals"] == {
        "entries": 4,
        "participants": 2,
        "amount_eur": "37.70",
        "by_kind": [
            {"kind": "bus_ticket", "entries": 2, "amount_eur": "6.20"},
            {"kind": "taxi", "entries": 1, "amount_eur": "25.00"},
            {"kind": "meal", "entries": 1, "amount_eur": "6.50"},
        ],
    }
    # The first client's own worker from another organisation, with consent: sees that
    # client's entries only, and totals over just those.
    partner = await make.staff("referrer")
    await make.consent(
        first, "data_sharing", group.admin, organisation_ids=[partner.organisation_id]
    )
    await make.responsible(first, partner)
    seen = (
        await api.get(f"/api/v1/programmes/{group.programme}/support", headers=partner.headers)
    ).json()
    assert {item["client_id"] for item in seen["items"]} == {first}
    assert seen["totals"]["amount_eur"] == "9.60"
    assert seen["totals"]["participants"] == 1
    # Someone who reaches neither sees nothing, and no totals either.
    analyst = await make.staff("analyst", organisation_id=group.organisation)
    none = (
        await api.get(f"/api/v1/programmes/{group.programme}/support", headers=analyst.headers)
    ).json()
    assert none["items"] == []
    assert none["totals"] == {"entries": 0, "participants": 0, "amount_eur": "0.00", "by_kind": []}
    # Pages: two at a time, the same entries in order.
    page = await api.get(
        f"/api/v1/programmes/{group.programme}/support",
        params={"limit": 3},
        headers=group.facilitator.headers,
    )
    rest = await api.get(
        f"/api/v1/programmes/{group.programme}/support",
        params={"limit": 3, "cursor": page.json()["next_cursor"]},
        headers=group.facilitator.headers,
    )
    ids = [i["id"] for i in page.json()["items"] + rest.json()["items"]]
    assert ids == [i["id"] for i in everything["items"]]
    assert rest.json()["next_cursor"] is None
    missing = await api.get(
        "/api/v1/programmes/00000000-0000-0000-0000-000000000000/support",
        headers=group.facilitator.headers,
    )
    assert missing.status_code == 404


async def test_the_report_for_a_period_by_programme_and_kind(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    group = await _group(api, make, clients=6)
    yesterday, next_week = group.sessions[0], group.sessions[1]
    for client in group.clients:
        assert (await _give(api, group.facilitator, yesterday, client, "0.10")).status_code == 201
    for client in group.clients[:2]:
        response = await _give(api, group.facilitator, yesterday, client, "0.20", kind="meal")
        assert response.status_code == 201
    # Outside the period asked for: next week's session.
    assert (
        await _give(api, group.facilitator, next_week, group.clients[0], "99.00")
    ).status_code == 201
    analyst = await make.staff("analyst", organisation_id=group.organisation)
    period = {"from": days_from_today(-3), "to": days_from_today(0)}
    response = await api.get("/api/v1/reports/support", params=period, headers=analyst.headers)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["amount_eur"] == "1.00"  # 6 × 0.10 + 2 × 0.20, exactly
    assert report["entries"] == 8
    assert report["participants"] == {"value": 6, "suppressed": False}
    assert report["by_kind"] == [
        {
            "kind": "bus_ticket",
            "entries": 6,
            "amount_eur": "0.60",
            "participants": {"value": 6, "suppressed": False},
        },
        # Two people: the count is hidden, the money is not.
        {
            "kind": "meal",
            "entries": 2,
            "amount_eur": "0.40",
            "participants": {"value": None, "suppressed": True},
        },
    ]
    [programme] = report["programmes"]
    assert programme["programme_id"] == group.programme
    assert programme["amount_eur"] == "1.00"
    assert [k["kind"] for k in programme["by_kind"]] == ["bus_ticket", "meal"]
    # A longer period takes next week's session in.
    wider = await api.get(
        "/api/v1/reports/support",
        params={"from": days_from_today(-3), "to": days_from_today(10)},
        headers=group.admin.headers,
    )
    assert wider.json()["amount_eur"] == "100.00"
    # Coaches do not read organisation figures; another organisation is refused by name.
    coach = await api.get("/api/v1/reports/support", headers=group.facilitator.headers)
    assert coach.status_code == 403
    elsewhere = await api.get(
        "/api/v1/reports/support",
        params={"organisation_id": await make.organisation()},
        headers=analyst.headers,
    )
    assert elsewhere.status_code == 422
    assert _fields(elsewhere) == ["organisation_id"]
    backwards = await api.get(
        "/api/v1/reports/support",
        params={"from": days_from_today(0), "to": days_from_today(-3)},
        headers=analyst.headers,
    )
    assert backwards.status_code == 422
    assert _fields(backwards) == ["from"]
    logged = await db.fetchval(
        "SELECT count(*) FROM audit_events WHERE actor_id = $1 AND action = 'report.support'",
        analyst.id,
    )
    assert logged == 1  # the refused ones are not reports


async def test_the_esf_export_gives_each_participant_their_support_total(
    api: AsyncClient, make: Factory
) -> None:
    group = await _group(api, make, clients=2)
    first, second = group.clients
    for amount in ("3.10", "0.20"):
        assert (await _give(api, group.facilitator, group.sessions[0], first, amount)).is_success
    response = await api.get(
        "/api/v1/reports/esf-participants.csv",
        params={"from": days_from_today(-3), "to": days_from_today(0)},
        headers=group.admin.headers,
    )
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text.lstrip("\ufeff")), delimiter=";"))
    by_client = {row["participant_id"]: row for row in rows}
    assert by_client[first]["participant_support_eur"] == "3,30"
    assert by_client[second]["participant_support_eur"] == "0,00"


async def test_a_cancelled_session_takes_no_support(api: AsyncClient, make: Factory) -> None:
    group = await _group(api, make, clients=1)
    later = group.sessions[2]
    cancelled = await api.post(
        f"/api/v1/sessions/{later}/cancel",
        json={"reason": "Ohjaaja sairaana"},
        headers=group.facilitator.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    refused = await _give(api, group.facilitator, later, group.clients[0], "3.20")
    assert refused.status_code == 409, refused.text
