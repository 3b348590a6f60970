"""Traces (the `otel` extra): with OTEL_EXPORTER_OTLP_ENDPOINT set, the API and the worker
send spans over OTLP/HTTP to a collector, here a real HTTP server on loopback decoding
the protobuf the exporter posts. A span names the route template, never the path; it
joins the caller's trace; and no span carries a person, a link or a query string."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest
from opentelemetry.proto.common.v1.common_pb2 import AnyValue

from service.app import create_app
from service.base.settings import Settings, SettingsError
from service.base.tracing import from_settings
from tests.api.client_page import page_link
from tests.factories import Factory
from tests.workers.test_messages import enrolled_client, run_worker

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER = f"00-{TRACE_ID}-00f067aa0ba902b7-01"


class Collector:
    """An OTLP/HTTP trace receiver: every span posted to /v1/traces, with its service."""

    def __init__(self) -> None:
        self.spans: list[dict[str, Any]] = []
        self.paths: list[str] = []
        collector = self

        class Receive(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                collector.paths.append(self.path)
                export = ExportTraceServiceRequest()
                export.ParseFromString(body)
                for resource_spans in export.resource_spans:
                    resource = _attributes(resource_spans.resource.attributes)
                    for scope_spans in resource_spans.scope_spans:
                        for span in scope_spans.spans:
                            collector.spans.append(
                                {
                                    "name": span.name,
                                    "trace_id": span.trace_id.hex(),
                                    "status": span.status.code,
                                    "attributes": _attributes(span.attributes),
                                    "resource": resource,
                                }
                            )
                self.send_response(200)
                self.send_header("Content-Type", "application/x-protobuf")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Receive)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


def _attributes(pairs: Any) -> dict[str, Any]:
    def value(any_value: AnyValue) -> Any:
        return getattr(any_value, any_value.WhichOneof("value"))

    return {pair.key: value(pair.value) for pair in pairs}


@pytest.fixture
def collector() -> Iterator[Collector]:
    receiver = Collector()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()


async def test_requests_and_jobs_are_traced_by_template_and_join_the_callers_trace(
    settings: Settings,
    worker_settings: Settings,
    make: Factory,
    api: httpx.AsyncClient,
    collector: Collector,
) -> None:
    coach, _, client_id = await enrolled_client(
        api,
        make,
        consents=("email_reminders", "client_page"),
        first_name="Tuulikki",
        last_name="Jäljitettävä",
        email="tuulikki@example.org",
    )
    page = await page_link(api, coach, client_id)
    traced = msgspec.structs.replace(settings, otel_endpoint=collector.url)
    app = create_app(traced)
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as client:
            read = await client.get(
                f"/api/v1/clients/{client_id}",
                params={"q": "Jäljitettävä"},
                headers={**coach.headers, "traceparent": CALLER},
            )
            assert read.status_code == 200
            assert (await client.get(f"{page}?lang=fi")).status_code == 200
            missing = await client.get("/api/v1/clients/Jäljitettävä", headers=coach.headers)
            assert missing.status_code == 404
    # The app's end sent what it held: the spans are at the collector now.
    assert set(collector.paths) == {"/v1/traces"}
    spans = {
        (span["name"], span["attributes"].get("http.response.status_code")): span
        for span in collector.spans
    }
    client_read = spans["GET /api/v1/clients/{client_id}", 200]
    assert client_read["trace_id"] == TRACE_ID  # the caller's trace
    assert client_read["attributes"] == {
        "http.request.method": "GET",
        "http.route": "/api/v1/clients/{client_id}",
        "http.response.status_code": 200,
        "polku.request_id": read.headers["x-request-id"],
    }
    assert client_read["resource"]["service.name"] == "polku"
    assert client_read["resource"]["polku.process"] == "api"
    assert spans["GET /p/{token}", 200]["trace_id"] != TRACE_ID  # no traceparent: its own trace
    assert spans["GET /api/v1/clients/{client_id}", 404]["status"] == 0  # unset: not a fault

    # The worker: a span per job, named by what it does, the message's job id on it.
    await run_worker(msgspec.structs.replace(worker_settings, otel_endpoint=collector.url))
    jobs = [span for span in collector.spans if span["resource"]["polku.process"] == "worker"]
    names = {span["name"] for span in jobs}
    assert {"job message", "job cron:dispatch_messages"} <= names
    [send] = [span for span in jobs if span["name"] == "job message"]
    assert send["attributes"]["polku.job_id"].startswith("message:")

    secret = page.removeprefix("/p/")
    for span in collector.spans:
        text = repr(span)
        for personal in (
            "Tuulikki",
            "Jäljitettävä",
            "tuulikki@example.org",
            secret,
            "q=",
            client_id,
        ):
            assert personal not in text, text


def test_tracing_is_off_without_an_endpoint_and_names_a_missing_extra(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert from_settings(settings, "api") is None
    # As on an install without the extra: the exporter cannot be imported.
    monkeypatch.setitem(sys.modules, "opentelemetry.exporter.otlp.proto.http.trace_exporter", None)
    with pytest.raises(SettingsError, match="otel"):
        from_settings(msgspec.structs.replace(settings, otel_endpoint="http://127.0.0.1:9"), "api")
