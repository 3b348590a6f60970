"""Property test over the published OpenAPI document: no input makes Polku answer 500,
and every answer matches the schema (status, content type, body)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import msgspec
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from service.app import create_app
from service.base.settings import Settings
from tests.factories import Factory, Person

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(settings: Settings) -> Iterator[str]:
    """The real app on a real socket, in a thread with its own event loop."""
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            create_app(msgspec.structs.replace(settings, db_pool_size=4)),
            port=port,
            log_level="error",
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base_url}/health").status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.05)
    yield base_url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def api_schema(live_server: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_server}/schema/openapi.json")


@dataclass
class Caller:
    """Who the fuzzed requests come from, with spare tokens for the logouts it sends (each
    logout revokes the token it is sent with, which would end the run's sign-in)."""

    person: Person
    spare_tokens: list[str]

    def headers_for(self, case: schemathesis.Case) -> dict[str, str]:
        if case.operation.path == "/api/v1/auth/logout" and self.spare_tokens:
            return {"Authorization": f"Bearer {self.spare_tokens.pop()}"}
        return self.person.headers


async def _caller(make: Factory, *roles: str) -> Caller:
    # The live server stands for a whole deployment, worker included: one that counts as
    # heard from for the run (ten minutes at most), so /health/ready answers 200.
    await make.conn.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('fuzz:1', 'fuzz', now(), now() + interval '10 minutes') ON CONFLICT DO NOTHING"
    )
    person = await make.staff(*roles)
    await make.client(person)  # a client in reach, so not every request ends at 404
    return Caller(person, [await make.token(person) for _ in range(LOGOUTS)])


@pytest.fixture
async def admin(make: Factory) -> Caller:
    return await _caller(make, "admin", "coach", "referrer")


@pytest.fixture
async def coach(make: Factory) -> Caller:
    return await _caller(make, "coach")


# More than the examples hypothesis makes of one operation, with its retries.
LOGOUTS = 120

schema = schemathesis.pytest.from_fixture("api_schema")
# Per operation and caller: the two callers together make as many as one did before.
FUZZ = hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _call_and_validate(case: schemathesis.Case, caller: Caller) -> None:
    """No 5xx; every status, content type, header and body as the document declares.
    Neither caller can lock themselves out: their own password needs the current one, and
    an organisation's last admin keeps the role.

    Not checked: that valid-looking requests succeed (they may name ids that do not
    exist: 404 is right), and that every request the document would not allow is refused
    (Polku ignores query parameters it does not know, and reads 0 and 1 as booleans, as
    Litestar does)."""
    case.call_and_validate(
        headers=caller.headers_for(case),
        excluded_checks=[positive_data_acceptance, negative_data_rejection],
    )


# Every operation runs inside one test, so each gets more than the suite's 120 s.
@pytest.mark.timeout(600)
@schema.parametrize()
@FUZZ
def test_no_input_breaks_the_api_for_an_admin(case: schemathesis.Case, admin: Caller) -> None:
    _call_and_validate(case, admin)


@pytest.mark.timeout(600)
@schema.parametrize()
@FUZZ
def test_no_input_breaks_the_api_for_a_coach(case: schemathesis.Case, coach: Caller) -> None:
    _call_and_validate(case, coach)
