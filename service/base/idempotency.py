"""`Idempotency-Key` on signed-in POSTs: a repeat gets the first answer and creates nothing.

A request with the header goes through four steps:

1. `prepare`, before the handler and after sign-in: checks the header and digests the
   request. The claim waits in the scope state for the connection, and in a context
   variable for `keep_answer` (Litestar's after-request hook is given the response only).
2. `Claim.take`, in `provide_connection` inside the request's transaction, before the
   handler: inserts the key's row. A live row of the same request is replayed
   (`Replay`), one of another request refused. A concurrent repeat waits on the
   primary key until the first request commits (then replays) or rolls back (then runs).
3. `keep_answer`, the after-request hook: renders the answer once and keeps the bytes.
4. `Claim.settle`, in `provide_connection` before the commit: stores the answer, or
   drops the row when the answer is no success, so that a retry runs anew.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, cast

import asyncpg
import msgspec
from litestar import Request, Response, Router
from litestar.handlers import HTTPRouteHandler
from litestar.params import HeaderParameter

from service.base.errors import InvalidInput
from service.base.identity import signed_in

HEADER = "Idempotency-Key"
LIFETIME = timedelta(hours=24)

_HEADER_BYTES = HEADER.lower().encode()
_STATE = "idempotency"
# Printable ASCII, at most 255 characters; no space at either end (HTTP strips those).
_KEY = r"^[!-~]([ -~]{0,253}[!-~])?$"
_KEY_PATTERN = re.compile(_KEY)
_KEY_RULE = "must be 1 to 255 printable ASCII characters, not starting or ending with a space"
_REUSED = "was used in the last 24 hours for another request (another path or body)"

_TAKE = """
INSERT INTO idempotency_keys AS k (staff_id, key_digest, request_digest)
VALUES ($1, $2, $3)
ON CONFLICT (staff_id, key_digest) DO UPDATE
    SET request_digest = excluded.request_digest, created_at = now(),
        status = NULL, media_type = NULL, headers = NULL, body = NULL
    WHERE k.created_at <= now() - $4::interval
RETURNING true
"""

_STORED = """
SELECT request_digest, status, media_type, headers, body
FROM idempotency_keys WHERE staff_id = $1 AND key_digest = $2
"""

_STORE = """
UPDATE idempotency_keys SET status = $3, media_type = $4, headers = $5, body = $6
WHERE staff_id = $1 AND key_digest = $2
"""

_DROP = "DELETE FROM idempotency_keys WHERE staff_id = $1 AND key_digest = $2"

_FORGET_STAFF = "DELETE FROM idempotency_keys WHERE staff_id = $1"

_PURGE = """
WITH purged AS (
    DELETE FROM idempotency_keys WHERE created_at <= now() - $1::interval RETURNING 1
)
SELECT count(*) FROM purged
"""

# The OpenAPI entry of the operations that take the header.
DOCUMENTED = HeaderParameter(
    annotation=str,
    name=HEADER,
    required=False,
    max_length=255,
    pattern=_KEY,
    description=(
        "Makes a retry safe: a repeat with the same key and the same body within 24 hours "
        "answers the first answer again (status, headers and body) and changes nothing; "
        "the same key with another body or on another path answers 422. Keys are the "
        "signed-in staff member's own; use a new random one (a UUID) for each change."
    ),
)


# Pure rules -------------------------------------------------------------------


def check_key(value: str) -> str:
    if not _KEY_PATTERN.match(value):
        raise InvalidInput(HEADER, _KEY_RULE)
    return value


def canonical_body(body: bytes) -> bytes:
    """JSON re-encoded with sorted keys and no spacing, so that a client re-serialising
    the same body differently still repeats it; anything else as it is."""
    try:
        return msgspec.json.encode(msgspec.json.decode(body), order="sorted")
    except (msgspec.DecodeError, RecursionError):
        return body


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("ascii")).digest()


def request_digest(key: str, method: str, path: str, query: bytes, body: bytes) -> bytes:
    """What makes two requests "the same". Keyed with the Idempotency-Key, which is kept
    only as a digest: the digest of a body holding a password does not let anyone who
    reads the table try passwords against it without the key."""
    mac = hmac.new(key.encode("ascii"), digestmod=hashlib.sha256)
    parts = (method.encode("ascii"), path.encode("utf-8", "surrogatepass"), query)
    for part in (*parts, canonical_body(body)):
        mac.update(b"%d:" % len(part))
        mac.update(part)
    return mac.digest()


def takes_key(handler: HTTPRouteHandler) -> bool:
    """POSTs that send a body: every creating one and every status change. Those without a
    body are idempotent already (logout, marking a notice read) or hand out a secret that
    must not be kept in a second place (calendar-feed links: calling again issues anew)."""
    return "POST" in handler.http_methods and "data" in handler.parsed_fn_signature.parameters


# The answer and the claim -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    media_type: str | None
    headers: list[tuple[str, str]]
    body: bytes

    def response(self) -> Response[bytes]:
        headers = dict(self.headers)
        if self.media_type is not None:
            headers["content-type"] = self.media_type
        return Response(content=self.body, status_code=self.status, headers=headers)


class Replay(Exception):
    """Not an error: the way out of `provide_connection` with the first answer, which
    also rolls back the (empty) transaction of the repeat."""

    def __init__(self, answer: Answer) -> None:
        super().__init__("replay of a stored answer")
        self.answer = answer


@dataclass(slots=True)
class Claim:
    request: Request[Any, Any, Any]
    staff_id: str
    key_digest: bytes
    request_digest: bytes
    answer: Answer | None = None

    async def take(self, conn: asyncpg.Connection) -> None:
        """The key's row for this request, or the first request's answer (`Replay`)."""
        digests = (self.staff_id, self.key_digest)
        if await conn.fetchval(_TAKE, *digests, self.request_digest, LIFETIME):
            return
        # The insert waited for the transaction that wrote the row, and left it locked:
        # it is committed, with its answer, and stays until this transaction ends.
        row = cast(asyncpg.Record, await conn.fetchrow(_STORED, *digests))
        if not hmac.compare_digest(row["request_digest"], self.request_digest):
            raise InvalidInput(HEADER, _REUSED)
        headers = [(name, value) for name, value in row["headers"]]
        raise Replay(Answer(row["status"], row["media_type"], headers, row["body"]))

    async def settle(self, conn: asyncpg.Connection) -> None:
        answer = self.answer
        if answer is None or not 200 <= answer.status < 300:
            await conn.execute(_DROP, self.staff_id, self.key_digest)
            return
        await conn.execute(
            _STORE,
            self.staff_id,
            self.key_digest,
            answer.status,
            answer.media_type,
            answer.headers,
            answer.body,
        )


_current: ContextVar[Claim | None] = ContextVar("idempotency_claim", default=None)


def claim_of(request: Request[Any, Any, Any]) -> Claim | None:
    claim: Claim | None = request.scope["state"].get(_STATE)
    return claim


async def prepare(request: Request[Any, Any, Any]) -> None:
    """After sign-in: the claim this request makes, if it sends the header."""
    values = [value for name, value in request.scope["headers"] if name == _HEADER_BYTES]
    claim = None
    if len(values) > 1:
        raise InvalidInput(HEADER, "must be sent once")
    if values:
        key = check_key(values[0].decode("latin-1"))
        claim = Claim(
            request,
            signed_in(request).id,
            key_digest(key),
            request_digest(
                key,
                request.method,
                request.scope["path"],
                request.scope["query_string"],
                await request.body(),
            ),
        )
    request.scope["state"][_STATE] = claim
    _current.set(claim)


async def keep_answer(response: Response[Any]) -> Response[Any]:
    """Render the answer once: the same bytes go out now and to every repeat."""
    claim = _current.get()
    if claim is None:
        return response
    handler = claim.request.route_handler
    sent = response.to_asgi_response(
        app=None,
        request=claim.request,
        media_type=handler.media_type,
        status_code=handler.status_code,
        type_encoders=handler.resolve_type_encoders(),
    )
    headers, media_type = [], None
    for raw_name, raw_value in sent.headers.headers:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        if name == "content-type":
            media_type = value
        elif name != "content-length":
            headers.append((name, value))
    claim.answer = Answer(sent.status_code, media_type, headers, sent.body)
    replacement = claim.answer.response()
    replacement.background = response.background
    replacement.cookies = response.cookies
    return replacement


def _replay(_: Request[Any, Any, Any], replay: Replay) -> Response[bytes]:
    return replay.answer.response()


def keyed_routes(
    handlers: Sequence[HTTPRouteHandler],
    before_request: Callable[[Request[Any, Any, Any]], Awaitable[None]],
) -> list[HTTPRouteHandler | Router]:
    """The handlers, those that take the key in a router of their own that documents the
    header and wraps them in the steps above."""
    taking = [handler for handler in handlers if takes_key(handler)]
    if not taking:
        return list(handlers)

    async def before(request: Request[Any, Any, Any]) -> None:
        await before_request(request)
        await prepare(request)

    keyed = Router(
        path="/",
        route_handlers=taking,
        before_request=before,
        after_request=keep_answer,
        parameters={"idempotency_key": DOCUMENTED},
        exception_handlers={Replay: _replay},
    )
    return [*(handler for handler in handlers if not takes_key(handler)), keyed]


async def forget_staff(conn: asyncpg.Connection, staff_id: str) -> None:
    """Drop a staff member's kept answers (their roles changed, or they left)."""
    await conn.execute(_FORGET_STAFF, staff_id)


async def purge_expired(conn: asyncpg.Connection) -> int:
    """Forget keys and their answers once they no longer count."""
    purged: int = await conn.fetchval(_PURGE, LIFETIME)
    return purged
