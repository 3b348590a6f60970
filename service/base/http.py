"""Per-request plumbing: one transaction per request, request ids."""

from __future__ import annotations

import contextlib
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Annotated, Any, cast
from urllib.parse import parse_qsl

import asyncpg
from litestar import Request, Response, Router
from litestar.di import NamedDependency
from litestar.enums import HttpMethod, ScopeType
from litestar.exceptions import SerializationException
from litestar.handlers import HTTPRouteHandler
from litestar.params import PathParameter
from litestar.types import ASGIApp, HTTPScope, Message, Receive, Scope, Send

from db.pool import FairPool
from service.base import audit, idempotency, logs, tracing
from service.base.errors import ClientOutOfReach, InvalidInput
from service.base.identity import require_sign_in
from service.base.nul import NUL as _NUL
from service.base.nul import nul_at
from service.base.problems import problems

# What route handlers ask for by name; `provide_connection` and the others fill them.
Conn = NamedDependency[asyncpg.Connection]
PathId = Annotated[str, PathParameter(max_length=100, description="An opaque id")]

_READ_METHODS = frozenset({"GET", "HEAD"})
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")

# No body Polku takes comes near this; bounding it keeps everything that walks a body
# (msgspec, the NUL check, jsonb encoding) far from Python's recursion limit.
MAX_JSON_DEPTH = 64


class JSONRequest(Request[Any, Any, Any]):
    """A request whose JSON body, when msgspec cannot or should not take it apart, is a
    422 naming the body. For nesting near a thousand deep and for bytes that are no
    UTF-8, msgspec raises RecursionError and UnicodeDecodeError instead of its
    DecodeError, and Litestar let those through as 500s."""

    async def json(self) -> Any:
        try:
            value = await super().json()
        except RecursionError:
            raise InvalidInput("body", f"is nested deeper than {MAX_JSON_DEPTH} levels") from None
        except UnicodeDecodeError:
            raise InvalidInput("body", "is not valid JSON: it is not UTF-8 text") from None
        body = await self.body()
        # Cheap and nearly always enough: fewer brackets than the limit, no deeper nesting.
        if body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH and _deeper_than(
            value, MAX_JSON_DEPTH
        ):
            raise InvalidInput("body", f"is nested deeper than {MAX_JSON_DEPTH} levels")
        return value


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether decoded JSON nests lists and objects more than `limit` deep (without
    recursing: the point is to refuse what recursion cannot take)."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in item)
    return False


async def provide_connection(
    request: Request[Any, Any, Any],
) -> AsyncGenerator[asyncpg.Connection, None]:
    """The request's connection: one transaction for requests that change things.

    Reads (GET, HEAD) come from the read pool and run without BEGIN/COMMIT:
    each statement sees committed data, and the audit row a read appends is
    written before the response is built, so nothing is shown unless its audit
    row was committed.
    """
    reading = request.method in _READ_METHODS
    pool: FairPool = request.app.state.read_pool if reading else request.app.state.pool
    with _counted_while_waiting(request, "read" if reading else "write"):
        proxy = await pool.acquire()
    try:
        conn = cast(asyncpg.Connection, proxy)
        transaction = None if reading else conn.transaction()
        if transaction is not None:
            await transaction.start()
        try:
            claim = idempotency.claim_of(request)
            if claim is not None:
                await claim.take(conn)
            yield conn
            if claim is not None:
                await claim.settle(conn)
        except ClientOutOfReach as refusal:
            if transaction is not None:
                await transaction.rollback()
            # The refusal itself is evidence worth keeping, so it is written
            # after the rollback, on its own.
            await audit.log_refusal(conn, request.scope["state"].get("actor"), refusal)
            raise
        except BaseException:
            if transaction is not None:
                await transaction.rollback()
            raise
        else:
            if transaction is not None:
                with _guarded(request):
                    await transaction.commit()
    finally:
        await pool.release(proxy)


@contextlib.contextmanager
def _counted_while_waiting(request: Request[Any, Any, Any], pool: str) -> Iterator[None]:
    """Requests waiting for a connection, by pool, in the app's `pool_waiting` counter
    (its metrics) where it keeps one."""
    waiting: Counter[str] | None = getattr(request.app.state, "pool_waiting", None)
    if waiting is None:
        yield
        return
    waiting[pool] += 1
    try:
        yield
    finally:
        waiting[pool] -= 1


def _guarded(request: Request[Any, Any, Any]) -> contextlib.ExitStack:
    """What must hold around a COMMIT on this process: each `commit_guards` entry the app
    set in its state (calendar feeds this process keeps may show what a commit changes,
    service/calendar/cache.py)."""
    stack = contextlib.ExitStack()
    for guard in getattr(request.app.state, "commit_guards", ()):
        stack.enter_context(guard(request))
    return stack


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    """PostgreSQL cannot store the NUL character in text; refuse it up front, naming
    the field, rather than fail on the way into the database."""
    query = request.scope["query_string"]
    if b"%00" in query or b"\x00" in query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if _NUL in name or _NUL in value:
                raise InvalidInput(name.replace(_NUL, ""), "must not contain the NUL character")
    if request.method in _READ_METHODS:
        return
    body = await request.body()
    if b"\\u0000" not in body:
        return
    with contextlib.suppress(SerializationException):  # not JSON: the handler says so
        where = nul_at(await request.json())
        if where:
            raise InvalidInput(where.replace(_NUL, ""), "must not contain the NUL character")


# What a request came to: its scope (with the route template once routed), the status
# answered, and the seconds from request to the end of the response.
RequestObserver = Callable[[HTTPScope, int, float], None]


def request_middleware(
    *observers: RequestObserver, tracer: tracing.Tracing | None = None
) -> Callable[[ASGIApp], ASGIApp]:
    """ASGI middleware around every HTTP request: take a sane X-Request-ID from the caller
    or make one, echo it on the response and put it on every log line of the request,
    trace it if tracing is on, then tell each observer how the request ended (the access
    log, the metrics). One layer for all of it: it runs for every request. Lifespan and
    websockets pass through."""

    def middleware(app: ASGIApp) -> ASGIApp:
        async def handle(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            started = time.perf_counter()
            given = dict(scope["headers"]).get(b"x-request-id", b"").decode("latin-1")
            request_id = given if _REQUEST_ID.match(given) else os.urandom(16).hex()
            scope.setdefault("state", {})["request_id"] = request_id
            header = (b"x-request-id", request_id.encode())
            status = 500  # what the server answers if the app fails before starting one

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = [*message.get("headers", []), header]
                await send(message)

            # Every line logged while the request is handled names it (base/logs.py).
            with (
                logs.bound(logs.REQUEST_ID, request_id),
                tracing.request_span(tracer, scope) as span,
            ):
                try:
                    await app(scope, receive, send_with_id)
                finally:
                    seconds = time.perf_counter() - started
                    tracing.end_request(span, scope, status, request_id)
                    for observe in observers:
                        observe(scope, status, seconds)

        return handle

    return middleware


def api_router(tag: str, handlers: list[HTTPRouteHandler], *, public: bool = False) -> Router:
    """Routes under /api/v1; all but public ones need a bearer token, checked before
    anything else about the request, and document it. Signed-in POSTs with a body take
    an Idempotency-Key (service/idempotency.py)."""
    for handler in handlers:
        _document_path_id_refusal(handler)
    routes = handlers if public else idempotency.keyed_routes(handlers, _signed_in_and_clean)
    return Router(
        path="/api/v1",
        tags=[tag],
        route_handlers=[*_options_handlers(handlers), *routes],
        request_class=JSONRequest,
        security=None if public else [{"bearer": []}],
        # A router's hook replaces the app's: this one runs both, sign-in first.
        before_request=None if public else _signed_in_and_clean,
    )


def _document_path_id_refusal(handler: HTTPRouteHandler) -> None:
    """Every id in a path is a PathId, refused with 422 when it is too long to be one: say
    so once here rather than in each route's list of problems."""
    responses = handler.responses or {}
    if 422 not in responses and any("{" in path for path in handler.paths):
        handler.responses = {**responses, 422: problems(422)[422]}


async def _signed_in_and_clean(request: Request[Any, Any, Any]) -> None:
    await require_sign_in(request)
    await refuse_nul_characters(request)


def _options_handlers(handlers: list[HTTPRouteHandler]) -> list[HTTPRouteHandler]:
    """OPTIONS answers naming every method of a path.

    Litestar 2 builds its automatic OPTIONS handler from the first handler
    registered for a path and never updates it (litestar#4169, fixed in 3.0).
    """
    methods: dict[str, set[str]] = defaultdict(set)
    for handler in handlers:
        for path in handler.paths:
            methods[path] |= {str(method) for method in handler.http_methods}
    return [_options_handler(path, {*allowed, "OPTIONS"}) for path, allowed in methods.items()]


def _options_handler(path: str, allowed: set[str]) -> HTTPRouteHandler:
    allow = ", ".join(sorted(allowed))

    def options() -> Response[None]:
        return Response(content=None, status_code=204, headers={"Allow": allow})

    return HTTPRouteHandler(
        path=path,
        http_method=[HttpMethod.OPTIONS],
        include_in_schema=False,
        sync_to_thread=False,
        opt={"public": True},
    )(options)
