"""Assessment instruments as data, scored answers, change since the first assessment,
and the strengths CV."""

from __future__ import annotations

from typing import Any

import msgspec
from httpx import AsyncClient

from service.coaching.instruments import shipped
from tests.api.coaching import coached_client
from tests.factories import Factory, Person

WORK_ABILITY = next(i for i in shipped() if i.key == "work_ability")
PROFILE = next(i for i in shipped() if i.key == "ability_profile")


def work_answers(overall: int, everything_else: int) -> dict[str, int]:
    return {
        item.key: overall if item.domain == "overall" else everything_else
        for item in WORK_ABILITY.items
    }


async def assess(
    api: AsyncClient, coach: Person, client_id: str, instrument: str, answers: Any, on: str
) -> Any:
    return await api.post(
        f"/api/v1/clients/{client_id}/assessments",
        json={"instrument": instrument, "assessed_on": on, "answers": answers},
        headers=coach.headers,
    )


async def test_shipped_instruments_are_listed(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    listed = (await api.get("/api/v1/instruments", headers=coach.headers)).json()["items"]
    assert [(i["key"], i["version"]) for i in listed] == [
        ("ability_profile", 1),
        ("work_ability", 1),
    ]
    work = listed[1]
    assert [d["key"] for d in work["domains"]] == [
        "overall",
        "mind",
        "participation",
        "body",
        "skills",
        "everyday_life",
    ]
    overall = next(i for i in work["items"] if i["domain"] == "overall")
    assert (overall["scale"]["min"], overall["scale"]["max"]) == (0, 10)
    profile = listed[0]
    assert len(profile["items"]) == 29
    assert len(profile["domains"]) == 5
    assert profile["scoring"] == "profile_comparison"


async def test_work_ability_scored_per_domain_with_change_since_the_first(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    start = await assess(api, coach, client_id, "work_ability", work_answers(4, 2), "2026-09-01")
    assert start.status_code == 201, start.text
    first = start.json()
    assert first["instrument_version"] == 1
    assert first["change_since_first"] is None
    # Items where a lower answer is better are turned round before the mean.
    reversed_items = [i for i in WORK_ABILITY.items if i.direction == "lower_is_better"]
    mind = [i for i in WORK_ABILITY.items if i.domain == "mind"]
    expected_mind = sum(4 if i in reversed_items else 2 for i in mind) / len(mind)
    assert first["scores"]["domains"]["overall"] == 4
    assert first["scores"]["domains"]["mind"] == round(expected_mind, 2)

    await assess(api, coach, client_id, "work_ability", work_answers(5, 3), "2026-10-15")
    end = await assess(api, coach, client_id, "work_ability", work_answers(7, 3), "2026-11-20")
    change = end.json()["change_since_first"]
    assert change["overall"] == 3
    listed = await api.get(
        f"/api/v1/clients/{client_id}/assessments",
        params={"instrument": "work_ability", "limit": 2},
        headers=coach.headers,
    )
    page = listed.json()
    assert [a["assessed_on"] for a in page["items"]] == ["2026-09-01", "2026-10-15"]
    assert page["items"][1]["change_since_first"]["overall"] == 1
    rest = await api.get(
        f"/api/v1/clients/{client_id}/assessments",
        params={"instrument": "work_ability", "cursor": page["next_cursor"]},
        headers=coach.headers,
    )
    [last] = rest.json()["items"]
    assert last["change_since_first"] == change


async def test_invalid_answers_name_the_item(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    good = work_answers(5, 3)
    cases = [
        ({**good, "overall_work_ability": 11}, "answers.overall_work_ability"),
        ({**good, "mood": "good"}, "answers.mood"),
        ({k: v for k, v in good.items() if k != "mood"}, "answers.mood"),
        ({**good, "favourite_colour": 3}, "answers.favourite_colour"),
    ]
    for answers, field in cases:
        response = await assess(api, coach, client_id, "work_ability", answers, "2026-09-01")
        assert response.status_code == 422, response.text
        assert response.json()["errors"] == [
            {"field": field, "message": response.json()["errors"][0]["message"]}
        ]
    unknown = await assess(api, coach, client_id, "kykyviisari", good, "2026-09-01")
    assert unknown.json()["errors"][0]["field"] == "instrument"
    future = await assess(api, coach, client_id, "work_ability", good, "2999-09-01")
    assert future.json()["errors"][0]["field"] == "assessed_on"


async def test_ability_profile_lists_differences_and_over_demands(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    answers = {item.key: {"person": 3, "job": 3} for item in PROFILE.items}
    first, second = PROFILE.items[0], PROFILE.items[5]
    answers[first.key] = {"person": 2, "job": 4}
    answers[second.key] = {"person": 5, "job": 1}
    response = await assess(api, coach, client_id, "ability_profile", answers, "2026-09-01")
    assert response.status_code == 201, response.text
    scores = response.json()["scores"]
    assert scores["over_demands"] == [first.key]
    by_item = {entry["item"]: entry for entry in scores["items"]}
    assert by_item[first.key]["difference"] == -2
    assert by_item[second.key] == {
        "item": second.key,
        "domain": second.domain,
        "person": 5,
        "job": 1,
        "difference": 4,
        "over_demand": False,
    }
    half = {**answers, first.key: {"person": 2}}
    refused = await assess(api, coach, client_id, "ability_profile", half, "2026-09-01")
    assert refused.json()["errors"][0]["field"] == f"answers.{first.key}"


async def test_a_new_version_leaves_old_assessments_untouched(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    admin = await make.staff("admin", organisation_id=coach.organisation_id)
    old = await assess(api, coach, client_id, "work_ability", work_answers(4, 2), "2026-09-01")
    definition = msgspec.to_builtins(WORK_ABILITY)
    newer = {**definition, "version": 2}
    newer["items"] = [
        {**item, "scale": {**item["scale"], "max": 7}} if item["domain"] != "overall" else item
        for item in definition["items"]
    ]
    refused = await api.post("/api/v1/instruments", json=newer, headers=coach.headers)
    assert refused.status_code == 403
    added = await api.post("/api/v1/instruments", json=newer, headers=admin.headers)
    assert added.status_code == 201, added.text
    again = await api.post("/api/v1/instruments", json=newer, headers=admin.headers)
    assert again.status_code == 409
    latest = (await api.get("/api/v1/instruments", headers=coach.headers)).json()["items"]
    assert ("work_ability", 2) in [(i["key"], i["version"]) for i in latest]
    every = await api.get(
        "/api/v1/instruments", params={"every_version": "true"}, headers=coach.headers
    )
    assert len(every.json()["items"]) == 3

    new = await assess(api, coach, client_id, "work_ability", work_answers(6, 6), "2026-11-01")
    assert new.json()["instrument_version"] == 2
    listed = await api.get(f"/api/v1/clients/{client_id}/assessments", headers=coach.headers)
    first, second = listed.json()["items"]
    assert first == old.json()
    assert second["change_since_first"]["mind"] == round(
        second["scores"]["domains"]["mind"] - first["scores"]["domains"]["mind"], 2
    )
    # Answers the old version allowed, the new one still checks by its own scale.
    too_high = await assess(api, coach, client_id, "work_ability", work_answers(6, 8), "2026-11-02")
    assert too_high.status_code == 422
    by_old = await api.post(
        f"/api/v1/clients/{client_id}/assessments",
        json={
            "instrument": "work_ability",
            "instrument_version": 1,
            "assessed_on": "2026-11-02",
            "answers": work_answers(6, 5),
        },
        headers=coach.headers,
    )
    assert by_old.json()["instrument_version"] == 1


async def test_instrument_definitions_are_checked(api: AsyncClient, make: Factory) -> None:
    admin = await make.staff("admin")
    definition = msgspec.to_builtins(WORK_ABILITY)
    broken = {**definition, "key": "broken", "items": [{**definition["items"][0], "domain": "x"}]}
    response = await api.post("/api/v1/instruments", json=broken, headers=admin.headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "items[0].domain"
    unnamed = {**definition, "key": "Not A Key"}
    response = await api.post("/api/v1/instruments", json=unnamed, headers=admin.headers)
    assert response.json()["errors"][0]["field"] == "key"


async def test_assessments_are_out_of_reach_of_others(api: AsyncClient, make: Factory) -> None:
    coach, client_id = await coached_client(make)
    await assess(api, coach, client_id, "work_ability", work_answers(4, 2), "2026-09-01")
    outsider = await make.staff("coach")
    listed = await api.get(f"/api/v1/clients/{client_id}/assessments", headers=outsider.headers)
    assert listed.status_code == 404
    written = await assess(
        api, outsider, client_id, "work_ability", work_answers(4, 2), "2026-09-01"
    )
    assert written.status_code == 404


# Strengths CV -------------------------------------------------------------------------

CV = {
    "summary": "Tarkka ja rauhallinen, pidän käsillä tekemisestä.",
    "strengths": ["Pitkäjänteisyys", "Huolellisuus"],
    "skills": ["Puutyöt", "Ruoanlaitto", "Excel"],
    "experience": [
        {
            "title": "Varastotyöntekijä",
            "place": "Kauppa Oy",
            "period": "2019–2021",
            "description": "Vastaanotin ja hyllytin tavaraa.",
        }
    ],
    "interests": ["Kalastus"],
}


async def test_strengths_cv_and_its_printable_page(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach, first_name="Matti", last_name="<Virtanen>")
    url = f"/api/v1/clients/{client_id}/strengths-cv"
    assert (await api.get(url, headers=coach.headers)).status_code == 404
    saved = await api.put(url, json=CV, headers=coach.headers)
    assert saved.status_code == 200, saved.text
    read = await api.get(url, headers=coach.headers)
    assert read.json()["strengths"] == CV["strengths"]
    assert read.headers["etag"] == saved.headers["etag"]
    page = await api.get(f"{url}.html", headers=coach.headers)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Vahvuusperustainen CV" in html
    assert "&lt;Virtanen&gt;" in html and "<Virtanen>" not in html
    assert "@page { size: A4" in html
    for text in ["Pitkäjänteisyys", "Varastotyöntekijä", "Kauppa Oy", "Kalastus"]:
        assert text in html
    english = await api.get(f"{url}.html", params={"language": "en"}, headers=coach.headers)
    assert "Strengths-based CV" in english.text


async def test_cv_edits_with_a_stale_etag_and_too_much_for_one_page(
    api: AsyncClient, make: Factory
) -> None:
    coach, client_id = await coached_client(make)
    url = f"/api/v1/clients/{client_id}/strengths-cv"
    first = await api.put(url, json=CV, headers=coach.headers)
    tag = first.headers["etag"]
    await api.put(url, json={**CV, "summary": "Uusi"}, headers={**coach.headers, "If-Match": tag})
    stale = await api.put(url, json=CV, headers={**coach.headers, "If-Match": tag})
    assert stale.status_code == 412
    too_long = await api.put(
        url, json={**CV, "strengths": [f"Vahvuus {n}" for n in range(7)]}, headers=coach.headers
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["field"] == "strengths"
    outsider = await make.staff("coach")
    assert (await api.get(url, headers=outsider.headers)).status_code == 404
    assert (await api.get(f"{url}.html", headers=outsider.headers)).status_code == 404
