"""Memos: the facilitators write one per meeting, everyone taking part reads it (staff
participants here, clients on their page), and what names a client in full or carries
an identity code is refused with a 422 that says where, not what."""

from __future__ import annotations

from typing import Any

import pytest
from httpx import AsyncClient

from service.programmes.memo_checks import (
    Person as Named,
)
from service.programmes.memo_checks import (
    find_full_name,
    find_hetu,
    hetu_check_character,
    is_hetu,
)
from tests.api.client_page import page_client, page_link, read_page
from tests.api.programmes import create_programme, days_from_today, enrol
from tests.factories import Factory, Person


@pytest.mark.parametrize(
    "code",
    [
        "131052-308T",
        "010594Y9021",
        "010594Y9032",
        "020202A0202",
        "290200A002C",
        "311299-9872",
        "131052+308T",
    ],
)
def test_identity_codes_with_the_right_check_character(code: str) -> None:
    assert is_hetu(code)
    assert find_hetu(f"Muistio: {code.lower()} mainittiin.") == 9


@pytest.mark.parametrize(
    "code",
    [
        "131052-308U",  # wrong check character
        "131052-308S",
        "290201A002C",  # no 29 February in 2001
        "320101-1234",  # no 32nd day
        "131052G308T",  # no such century sign
        "131052-001T",  # individual numbers start from 002
        "1131052-308T",  # part of a longer number
    ],
)
def test_what_only_looks_like_an_identity_code(code: str) -> None:
    assert not is_hetu(code)
    assert find_hetu(f"Asia {code} käsiteltiin") is None


def test_the_check_character_is_the_remainder_of_31() -> None:
    assert hetu_check_character("131052308") == "T"
    assert hetu_check_character("000000030") == "Y"  # 30 → the last, skipping G I O Q Z


def test_full_names_are_found_without_case_or_diacritics() -> None:
    people = [Named("Sanni", "Äijälä"), Named("Anna Maria", "Lind-Öberg")]
    assert find_full_name("Keskustelimme. SANNI AIJALA kertoi", people) == 15
    assert find_full_name("äijälä sanni", people) == 0
    assert find_full_name("Anna lind-oberg", people) == 0
    assert find_full_name("Anna Maria Lind-Öberg", people) == 0
    assert find_full_name("Sanni kertoi ja Äijälän perhe", people) is None
    assert find_full_name("Sanni ja Anna kertoivat, S. Ä.", people) is None


async def _group(api: AsyncClient, make: Factory) -> tuple[Person, dict[str, Any], str, str]:
    """A co-development group whose first meeting was yesterday: its coach, the group,
    a client in it, and that meeting's id."""
    coach = await make.staff("coach")
    group = await create_programme(
        api,
        coach,
        kind="co_development",
        first_session_date=days_from_today(-1),
        skip_public_holidays=False,
    )
    client = await make.client(coach, first_name="Sanni", last_name="Äijälä")
    assert (await enrol(api, coach, group["id"], client)).status_code == 201
    return coach, group, client, group["sessions"][0]["id"]


def _refusal(response: Any) -> str:
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert [e["field"] for e in errors] == ["text"]
    message: str = errors[0]["message"]
    return message


async def test_a_memo_is_written_and_read(api: AsyncClient, make: Factory) -> None:
    coach, group, _, session = await _group(api, make)
    path = f"/api/v1/sessions/{session}/memo"
    assert (await api.get(path, headers=coach.headers)).status_code == 404
    written = await api.put(
        path,
        json={"text": "  Persoonat: kolme luonnosta.\nSeuraavaksi palvelupolut.  "},
        headers=coach.headers,
    )
    assert written.status_code == 200, written.text
    assert written.json()["text"] == "Persoonat: kolme luonnosta.\nSeuraavaksi palvelupolut."
    assert written.json()["written_by"] == coach.id
    rewritten = await api.put(path, json={"text": "Korjattu muistio"}, headers=coach.headers)
    assert rewritten.status_code == 200
    read = await api.get(path, headers=coach.headers)
    assert read.json()["text"] == "Korjattu muistio"
    assert read.json()["programme_id"] == group["id"]


async def test_a_memo_naming_a_client_or_carrying_a_code_is_refused(
    api: AsyncClient, make: Factory
) -> None:
    coach, _, _, session = await _group(api, make)
    path = f"/api/v1/sessions/{session}/memo"
    named = await api.put(
        path, json={"text": "Sanni Aijala toi hyvän idean."}, headers=coach.headers
    )
    message = _refusal(named)
    assert "full name" in message and "character 1" in message
    assert "Aijala" not in named.text and "Äijälä" not in named.text
    coded = await api.put(path, json={"text": "Asiakas 131052-308T mukana"}, headers=coach.headers)
    message = _refusal(coded)
    assert "identity code" in message and "character 9" in message
    assert "131052" not in coded.text
    assert (await api.get(path, headers=coach.headers)).status_code == 404
    # A first name alone, a code with the wrong check character: shared as written.
    fine = "Sanni toi hyvän idean. Diaarinumero 131052-308U."
    stored = await api.put(path, json={"text": fine}, headers=coach.headers)
    assert stored.status_code == 200, stored.text


async def test_a_withdrawn_clients_name_is_refused_too(api: AsyncClient, make: Factory) -> None:
    coach, group, _, session = await _group(api, make)
    gone = await make.client(coach, first_name="Väinö", last_name="Lähtijä")
    enrolment = (await enrol(api, coach, group["id"], gone)).json()["id"]
    await api.post(
        f"/api/v1/enrolments/{enrolment}/withdraw",
        json={"reason": "Muutto"},
        headers=coach.headers,
    )
    refused = await api.put(
        f"/api/v1/sessions/{session}/memo",
        json={"text": "lahtija vaino jäi pois"},
        headers=coach.headers,
    )
    assert "full name" in _refusal(refused)


async def test_memo_limits(api: AsyncClient, make: Factory) -> None:
    coach, group, _, session = await _group(api, make)
    path = f"/api/v1/sessions/{session}/memo"
    _refusal(await api.put(path, json={"text": "x" * 4001}, headers=coach.headers))
    _refusal(await api.put(path, json={"text": "   "}, headers=coach.headers))
    assert (
        await api.put(path, json={"text": "x" * 4000}, headers=coach.headers)
    ).status_code == 200
    coming = group["sessions"][1]["id"]
    early = await api.put(
        f"/api/v1/sessions/{coming}/memo", json={"text": "Ei vielä"}, headers=coach.headers
    )
    assert early.status_code == 409
    missing = await api.put(
        "/api/v1/sessions/00000000-0000-0000-0000-000000000000/memo",
        json={"text": "Ei ole"},
        headers=coach.headers,
    )
    assert missing.status_code == 404


async def test_who_reads_and_writes_a_memo(api: AsyncClient, make: Factory) -> None:
    coach, group, _, session = await _group(api, make)
    path = f"/api/v1/sessions/{session}/memo"
    await api.put(path, json={"text": "Kriittiset kohdat"}, headers=coach.headers)
    participant = await make.staff("referrer")
    await api.post(
        f"/api/v1/programmes/{group['id']}/participants",
        json={"staff_id": participant.id},
        headers=coach.headers,
    )
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    outsider = await make.staff("coach", organisation_id=coach.organisation_id)
    for reader in (participant, admin):
        read = await api.get(path, headers=reader.headers)
        assert read.status_code == 200, read.text
        assert read.json()["text"] == "Kriittiset kohdat"
    assert (await api.get(path, headers=outsider.headers)).status_code == 403
    assert (
        await api.put(path, json={"text": "Muutos"}, headers=participant.headers)
    ).status_code == 403
    assert (
        await api.put(path, json={"text": "Ylläpitäjä"}, headers=admin.headers)
    ).status_code == 200


async def test_the_client_reads_the_memos_on_their_page(api: AsyncClient, make: Factory) -> None:
    worker, client = await page_client(make)
    group = await create_programme(
        api,
        worker,
        title="Palvelupolkujen kehittäjät",
        kind="co_development",
        first_session_date=days_from_today(-8),
        skip_public_holidays=False,
    )
    assert (await enrol(api, worker, group["id"], client)).status_code == 201
    first, second = group["sessions"][0]["id"], group["sessions"][1]["id"]
    for session, text in ((first, "Aloituskoulutus pidettiin."), (second, "Persoonat valmiit.")):
        written = await api.put(
            f"/api/v1/sessions/{session}/memo", json={"text": text}, headers=worker.headers
        )
        assert written.status_code == 200, written.text
    path = await page_link(api, worker, client)
    page = await read_page(api, path)
    assert "Muistiinpanot tapaamisista" in page
    assert page.index("Persoonat valmiit.") < page.index("Aloituskoulutus pidettiin.")
    assert "Palvelupolkujen kehittäjät: " in page
    english = await read_page(api, path, lang="en")
    assert "Notes from the meetings" in english and "Persoonat valmiit." in english
    swedish = await read_page(api, path, lang="sv")
    assert "Anteckningar från träffarna" in swedish
    # A changed memo shows at once (the kept page is dropped).
    await api.put(
        f"/api/v1/sessions/{second}/memo",
        json={"text": "Persoonat korjattu."},
        headers=worker.headers,
    )
    assert "Persoonat korjattu." in await read_page(api, path)
