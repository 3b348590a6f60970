"""The published OpenAPI document is one a client generator can use: every operation with
a summary and description and a short camelCase id, schema names without module paths or
numbered duplicates, property names a programming language can have, examples that are
real values; and openapi-python-client makes a client from it, without a warning or a
dropped schema, that signs in and does a coach's work."""

from __future__ import annotations

import asyncio
import importlib
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from httpx import AsyncClient
from litestar import Litestar

from service.base.clock import today_in_finland
from service.base.openapi import OPERATION_ID, schema_name
from tests.api.coaching import LEVELS
from tests.api.programmes import create_programme, days_from_today
from tests.factories import PASSWORD, Factory

_METHODS = {"get", "put", "post", "patch", "delete", "head"}
# What Litestar's random examples looked like: twenty letters, or a Struct's repr.
_RANDOM = re.compile(r"^[A-Za-z]{20}$|^[A-Z]\w+\(\w+=")


async def _document(api: AsyncClient) -> dict[str, Any]:
    response = await api.get("/schema/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in _METHODS:
                yield f"{method.upper()} {path}", operation


def _nodes(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


async def test_every_operation_has_a_summary_a_description_and_a_short_camel_case_id(
    api: AsyncClient,
) -> None:
    operations = dict(_operations(await _document(api)))
    assert len(operations) > 100
    ids = [operation.get("operationId", "") for operation in operations.values()]
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not OPERATION_ID.match(i)] == []
    assert {"listClients", "getPlan", "addGoal", "rateGoal", "listPlans"} <= set(ids)
    undescribed = [
        key
        for key, operation in operations.items()
        if not operation.get("summary", "").strip() or not operation.get("description", "").strip()
    ]
    assert undescribed == []
    # A summary is words, not the handler's name run together (ListClients).
    assert [key for key, op in operations.items() if " " not in op["summary"]] == []


async def test_schema_names_and_property_names_are_what_generators_can_name(
    api: AsyncClient,
) -> None:
    document = await _document(api)
    names = list(document["components"]["schemas"])
    assert [n for n in names if not re.fullmatch(r"[A-Z][A-Za-z]*", n)] == []
    assert {"ClientOutPage", "PlanListItemPage", "GoalIn", "GoalOut", "PlanOut"} <= set(names)
    references = {node["$ref"].rsplit("/", 1)[-1] for node in _nodes(document) if "$ref" in node}
    assert references <= set(names)
    properties = {
        name
        for node in _nodes(document["components"])
        if isinstance(node.get("properties"), dict)
        for name in node["properties"]
    }
    assert [name for name in properties if not name.isidentifier()] == []
    # "A or null" is two branches, the value's constraints on the value's own.
    nullable_types = [node for node in _nodes(document) if isinstance(node.get("type"), list)]
    assert nullable_types == []


def test_schema_names_lose_module_paths_and_keep_their_own() -> None:
    assert schema_name("Page_service.clients.types.ClientOut_") == "ClientOutPage"
    assert schema_name("Page_service.composers.client_page.types.X_") == "XPage"
    assert schema_name("GoalOut") == "GoalOut"
    assert schema_name("reports_types_Attendance") == "ReportsAttendance"
    assert schema_name("sms_replies_types_InboundSms") == "SmsRepliesInboundSms"


async def test_examples_are_real_values(api: AsyncClient) -> None:
    document = await _document(api)
    found = []
    for node in _nodes(document):
        for example in node.get("examples", []) if isinstance(node.get("examples"), list) else []:
            found.extend(
                value
                for value in (example if isinstance(example, list) else [example])
                if isinstance(value, str) and _RANDOM.match(value)
            )
    assert found == []
    answer = document["paths"]["/api/v1/clients"]["post"]["responses"]["422"]
    (example,) = answer["content"]["application/problem+json"]["examples"].values()
    assert example["value"]["errors"][0]["field"]
    goal = document["components"]["schemas"]["GoalIn"]["properties"]["levels"]
    assert set(goal["examples"][0]) == {"-2", "-1", "0", "1", "2"}


async def test_goal_levels_keep_the_promised_shape(api: AsyncClient, make: Factory) -> None:
    coach = await make.staff("coach")
    client = await make.client(coach)
    made = await api.post(
        f"/api/v1/clients/{client}/plans",
        json={"kind": "goal_coaching", "coach_ids": [coach.id], "starts_on": "2026-09-01"},
        headers=coach.headers,
    )
    plan = made.json()["id"]
    added = await api.post(
        f"/api/v1/plans/{plan}/goals",
        json={"title": "Liikkuu ulkona", "baseline": -1, "levels": LEVELS},
        headers=coach.headers,
    )
    assert added.status_code == 201, added.text
    assert list(added.json()["levels"]) == ["-2", "-1", "0", "1", "2"]
    assert added.json()["levels"] == LEVELS
    for levels in (
        {k: v for k, v in LEVELS.items() if k != "2"},
        {**LEVELS, "3": "Liikaa"},
        {**LEVELS, "0": " "},
    ):
        refused = await api.post(
            f"/api/v1/plans/{plan}/goals",
            json={"title": "Liikkuu", "baseline": -1, "levels": levels},
            headers=coach.headers,
        )
        assert refused.status_code == 422, refused.text
        assert next(e["field"] for e in refused.json()["errors"]).startswith("levels")


@pytest.fixture
def generated(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    for name in [m for m in sys.modules if m == "polku_client" or m.startswith("polku_client.")]:
        del sys.modules[name]
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


@pytest.mark.slow
async def test_a_generated_python_client_keeps_every_schema_and_does_a_coachs_work(
    api: AsyncClient, app: Litestar, make: Factory, generated: Path
) -> None:
    document = generated / "openapi.json"
    document.write_bytes((await api.get("/schema/openapi.json")).content)
    config = generated / "config.yaml"
    config.write_text("post_hooks: []\n")
    tool = Path(sys.executable).with_name("openapi-python-client")
    run = await asyncio.to_thread(
        subprocess.run,
        [tool, "generate", "--path", document, "--meta", "none", "--config", config,
         "--output-path", generated / "polku_client"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )  # fmt: skip
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert "Warning" not in said and "WARNING" not in said, said
    models = {path.stem for path in (generated / "polku_client" / "models").glob("*.py")}
    assert {"goal_in", "goal_out", "goal_patch", "plan_out", "plan_list_item", "gas_out"} <= models
    assert [m for m in models if re.search(r"\d$", m) and "type_0" not in m] == []
    coaching = {path.stem for path in (generated / "polku_client" / "api" / "coaching").glob("*")}
    assert {
        "add_goal",
        "update_goal",
        "get_goal",
        "get_plan",
        "rate_goal",
        "list_plans",
    } <= coaching

    # The round trip: sign in, a client, a plan with a goal and a rating, a group to enrol
    # in, and the work list, all through the generated code.
    sys.path.insert(0, str(generated))
    client_module = importlib.import_module("polku_client")
    api_module = "polku_client.api"
    models_module = importlib.import_module("polku_client.models")
    accounts = importlib.import_module(f"{api_module}.accounts.create_token")
    coach = await make.staff("coach")
    transport = httpx.ASGITransport(app=app)
    anonymous = client_module.Client(base_url="http://polku.test")
    anonymous.set_async_httpx_client(
        httpx.AsyncClient(transport=transport, base_url="http://polku.test")
    )
    token = await accounts.asyncio(
        client=anonymous, body=models_module.TokenRequest(email=coach.email, password=PASSWORD)
    )
    assert isinstance(token, models_module.TokenOut), token
    signed_in = client_module.AuthenticatedClient(base_url="http://polku.test", token="")
    signed_in.set_async_httpx_client(
        httpx.AsyncClient(
            transport=transport,
            base_url="http://polku.test",
            headers={"Authorization": f"Bearer {token.access_token}"},
        )
    )

    def call(module: str) -> Any:
        return importlib.import_module(f"{api_module}.{module}").asyncio

    client = await call("clients.create_client")(
        client=signed_in, body=models_module.ClientIn(first_name="Aino", last_name="Virtanen")
    )
    assert isinstance(client, models_module.ClientOut), client
    plan = await call("coaching.create_plan")(
        client.id,
        client=signed_in,
        body=models_module.PlanIn(
            kind=models_module.PlanInKind.GOAL_COACHING,
            coach_ids=[coach.id],
            starts_on=today_in_finland() - timedelta(days=7),
        ),
    )
    assert isinstance(plan, models_module.PlanOut), plan
    levels = models_module.GoalInLevels.from_dict(LEVELS)
    goal = await call("coaching.add_goal")(
        plan.id,
        client=signed_in,
        body=models_module.GoalIn(
            title="Liikkuu ulkona",
            baseline=models_module.GoalInBaseline.VALUE_NEGATIVE_1,
            levels=levels,
        ),
    )
    assert isinstance(goal, models_module.GoalOut), goal
    assert goal.levels.to_dict() == LEVELS
    rating = await call("coaching.rate_goal")(
        goal.id, client=signed_in, body=models_module.RatingIn(level=1, rated_on=today_in_finland())
    )
    assert isinstance(rating, models_module.RatingOut), rating
    group = await create_programme(api, coach, first_session_date=days_from_today(1))
    enrolled = await call("programmes.enrol")(
        group["id"], client=signed_in, body=models_module.EnrolmentIn(client_id=client.id)
    )
    assert isinstance(enrolled, models_module.EnrolmentOut), enrolled
    mine = await call("coaching.list_plans")(client=signed_in, mine=True)
    assert [(p.id, p.client_name, p.goal_count) for p in mine.items] == [(plan.id, "Aino V.", 1)]
    worklist = await call("worklist.my_worklist")(client=signed_in)
    assert isinstance(worklist, models_module.Worklist), worklist
