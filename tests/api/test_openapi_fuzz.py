"""Property test over the published OpenAPI document: no input makes Polku answer 500,
and every answer matches the schema (status, content type, body)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import httpx
import msgspec
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from service.app import create_app
from service.settings import Settings
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


@pytest.fixture
async def admin(make: Factory) -> Person:
    """An admin with a client in reach, so not every request ends at 404."""
    admin = await make.staff("admin", "coach", "referrer")
    await make.client(admin)
    return admin


schema = schemathesis.pytest.from_fixture("api_schema")


# Every operation runs inside this one test, so it gets more than the suite's 120 s.
@pytest.mark.timeout(600)
@schema.parametrize()
@hypothesis_settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_input_breaks_the_api(case: schemathesis.Case, admin: Person) -> None:
    # Valid-looking requests may still name ids that do not exist: 404 is right.
    case.call_and_validate(headers=admin.headers, excluded_checks=[positive_data_acceptance])
