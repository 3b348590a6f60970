"""Optional traces in OpenTelemetry's format: the `otel` extra (`uv sync --extra otel`,
`pip install 'polku[otel]'`), off unless OTEL_EXPORTER_OTLP_ENDPOINT names a collector.

A span per request, named by its method and route template, and a span per worker job,
named by what the job does. A span carries the method, the route template, the status
and the request or job id: never the path sent (a page or feed link is a secret), a
query string, a header, an exception's message (a database error can quote a value) or
anything else about a person. A request that brings a W3C `traceparent` joins the
caller's trace.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from importlib.metadata import version
from typing import TYPE_CHECKING, Literal

from litestar.types import HTTPScope

from service.base.logs import route_of
from service.base.settings import Settings, SettingsError

if TYPE_CHECKING:
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.trace import Span, Tracer

Process = Literal["api", "worker"]

# The only request headers a span reads: the caller's trace, never anything else.
_PROPAGATED = (b"traceparent", b"tracestate")


class Tracing:
    """One process's tracer, and how to send the spans not yet sent when it ends."""

    def __init__(self, provider: TracerProvider) -> None:
        self.provider = provider
        self.tracer: Tracer = provider.get_tracer("polku", version("polku"))

    def shutdown(self) -> None:
        self.provider.shutdown()


def from_settings(settings: Settings, process: Process) -> Tracing | None:
    """Tracing as configured: None without OTEL_EXPORTER_OTLP_ENDPOINT. Spans go to the
    collector's OTLP/HTTP endpoint in batches."""
    if settings.otel_endpoint is None:
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError:
        raise SettingsError(
            "OTEL_EXPORTER_OTLP_ENDPOINT is set, but tracing is an optional part of Polku "
            "that is not installed: `uv sync --extra otel` (or `pip install 'polku[otel]'`)"
        ) from None
    resource = Resource.create(
        {"service.name": "polku", "service.version": version("polku"), "polku.process": process}
    )
    provider = TracerProvider(resource=resource)
    # The signal's path under the base endpoint, as the OTLP specification has it.
    endpoint = settings.otel_endpoint.rstrip("/") + "/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    return Tracing(provider)


# What a request or a job is wrapped in when tracing is off: nothing made per request.
_NO_SPAN: contextlib.nullcontext[None] = contextlib.nullcontext()


def request_span(
    tracing: Tracing | None, scope: HTTPScope
) -> contextlib.AbstractContextManager[Span | None]:
    """The span of one request, current while it is handled; named when it ends
    (end_request), once the route is known."""
    return _NO_SPAN if tracing is None else _request_span(tracing, scope)


@contextlib.contextmanager
def _request_span(tracing: Tracing, scope: HTTPScope) -> Iterator[Span]:
    from opentelemetry import propagate, trace

    carrier = {
        name.decode("latin-1"): value.decode("latin-1")
        for name, value in scope["headers"]
        if name in _PROPAGATED
    }
    with tracing.tracer.start_as_current_span(
        scope["method"],
        context=propagate.extract(carrier),
        kind=trace.SpanKind.SERVER,
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        yield span


def end_request(span: Span | None, scope: HTTPScope, status: int, request_id: str) -> None:
    if span is None:
        return
    from opentelemetry.trace import StatusCode

    route = route_of(scope)
    span.update_name(f"{scope['method']} {route}")
    span.set_attributes(
        {
            "http.request.method": scope["method"],
            "http.route": route,
            "http.response.status_code": status,
            "polku.request_id": request_id,
        }
    )
    if status >= 500:
        span.set_status(StatusCode.ERROR)


def job_span(tracing: Tracing | None, job_id: str) -> contextlib.AbstractContextManager[None]:
    """The span of one worker job: `message` for a send, `cron:<name>` for a periodic
    job; its id (`message:<message id>:<try>`) as an attribute."""
    return _NO_SPAN if tracing is None else _job_span(tracing, job_id)


@contextlib.contextmanager
def _job_span(tracing: Tracing, job_id: str) -> Iterator[None]:
    from opentelemetry.trace import SpanKind, StatusCode

    parts = job_id.split(":")
    name = ":".join(parts[:2]) if parts[0] == "cron" else parts[0]
    with tracing.tracer.start_as_current_span(
        f"job {name}",
        kind=SpanKind.CONSUMER,
        attributes={"polku.job_id": job_id},
        record_exception=False,
        set_status_on_exception=False,
    ) as span:
        try:
            yield
        except BaseException as error:
            span.set_status(StatusCode.ERROR)
            span.set_attribute("error.type", type(error).__qualname__)
            raise
