"""The one place that turns every error into RFC 9457 problem+json: Polku's own
(service/base/errors.py), Litestar's validation and HTTP errors, servers out of reach
(503), and the unexpected (500, logged with the request id)."""

from __future__ import annotations

import logging
import re
from http import HTTPStatus
from typing import Any

import asyncpg
import redis.exceptions
from litestar import Request, Response
from litestar.exceptions import HTTPException, SerializationException, ValidationException
from litestar.openapi.datastructures import ResponseSpec
from litestar.openapi.spec import Example

from service.base.errors import FieldError, PolkuError, Problem, Unavailable

logger = logging.getLogger("polku")

PROBLEM_MEDIA_TYPE = "application/problem+json"


# What each msgspec `pattern=` means, in words, so a refusal never shows the regex.
_PATTERN_MEANINGS: dict[str, str] = {}
_PATTERN_FAILURE = re.compile(r"^Expected `str` matching regex (.+)$", re.DOTALL)


def pattern(regex: str, meaning: str) -> str:
    """The regex for a `msgspec.Meta(pattern=...)`, with what a refusal should say
    instead of showing it ("must be an e-mail address")."""
    _PATTERN_MEANINGS[repr(regex)] = meaning  # msgspec quotes the regex with repr()
    return regex


def _in_words(message: str) -> str:
    failed = _PATTERN_FAILURE.match(message)
    if failed is None:
        return message
    return _PATTERN_MEANINGS.get(failed.group(1), "is not in the expected form")


_KINDS = {
    "str": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "array": "a list",
    "object": "an object",
    "null": "empty",
}
_BOUNDS = {"<=": "at most", ">=": "at least", "<": "under", ">": "over"}
_PHRASES: list[tuple[re.Pattern[str], Any]] = [
    (re.compile(r"^Expected `str` of length >= 1$"), lambda m: "must not be empty"),
    (
        re.compile(r"^Expected `str` of length (<=|>=) (\d+)$"),
        lambda m: f"must be at {'most' if m[1] == '<=' else 'least'} {m[2]} characters",
    ),
    (
        re.compile(r"^Expected `(?:array|object)` of length (<=|>=) (\d+)$"),
        lambda m: f"must have at {'most' if m[1] == '<=' else 'least'} {m[2]} items",
    ),
    (
        re.compile(r"^Expected `(?:int|float)` (<=|>=|<|>) (-?[\d.]+)$"),
        lambda m: f"must be {_BOUNDS[m[1]]} {m[2]}",
    ),
    (
        re.compile(r"^Expected `([a-z]+)(?: \| [a-z]+)*`, got `([a-z]+)`$"),
        lambda m: f"must be {_KINDS.get(m[1], m[1])}, not {_KINDS.get(m[2], m[2])}",
    ),
    (re.compile(r"^Invalid enum value (.+)$"), lambda m: f"{m[1]} is not one of the choices"),
    (re.compile(r"^Invalid RFC 3339 encoded date$"), lambda m: "must be a date (YYYY-MM-DD)"),
    (re.compile(r"^Object contains unknown field `([^`]+)`$"), lambda m: f"unknown: {m[1]}"),
]


def in_words(message: str) -> str:
    """A validation message of msgspec's as a person would say it: never a regex, a type
    name or a comparison sign ("must be an e-mail address", "must be at most 200
    characters", "must be text, not a whole number")."""
    worded = _in_words(message)
    if worded != message:
        return worded
    for phrase, say in _PHRASES:
        if matched := phrase.match(message):
            return str(say(matched))
    return message


# PostgreSQL's words for "this session cannot go on": connection trouble (class 08),
# out of connections, memory or disk (53), shut down, crashed, starting up (57P0x).
_POSTGRES_GONE = (
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
)
# What asyncpg says when the connection under a request has died, or its pool is
# closing; its other InterfaceErrors are mistakes in Polku.
_CONNECTION_CLOSED = re.compile(r"\b(?:connection|pool) is clos(?:ed|ing)\b")
_FILE_ERRORS = (
    FileNotFoundError,
    FileExistsError,
    IsADirectoryError,
    NotADirectoryError,
    PermissionError,
)


def unreachable(error: BaseException) -> tuple[str, BaseException] | None:
    """Which server `error` says is out of reach ("the database", "Redis", or "a server
    it depends on" for a bare socket error), with the exception that says so; None when
    it means something else (a mistake of ours: 500).

    A session PostgreSQL ends with FATAL or PANIC counts whatever its code: refusing a
    connection to a database that takes none is 55000, say, an error that is a mistake
    at any other time. The error of a dying connection can come in a group, with the
    rollback that failed after it (Litestar's dependency cleanup)."""
    if isinstance(error, BaseExceptionGroup):
        for inner in (*error.exceptions, error.__cause__):
            if inner is not None and (found := unreachable(inner)):
                return found
        return None
    if isinstance(error, asyncpg.PostgresError):
        fatal = (error.severity_en or error.severity) in {"FATAL", "PANIC"}
        return ("the database", error) if fatal or isinstance(error, _POSTGRES_GONE) else None
    if isinstance(error, asyncpg.InterfaceError):
        return ("the database", error) if _CONNECTION_CLOSED.search(str(error)) else None
    if isinstance(error, asyncpg.exceptions.InternalClientError):
        # The server's last word (FATAL: terminating connection) reached an idle
        # connection before its socket closed: asyncpg's protocol waits for a sync that
        # never comes, and every use of the connection raises this until the close.
        return ("the database", error)
    if isinstance(error, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return ("Redis", error)
    if isinstance(error, OSError) and not isinstance(error, _FILE_ERRORS):
        # Refused, reset, timed out, no route: asyncpg passes these on as they are.
        return ("a server it depends on", error)
    return None


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> Response[Problem]:
    return Response(
        content=problem,
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def handle_polku_error(_: Request[Any, Any, Any], error: PolkuError) -> Response[Problem]:
    return problem_response(error.problem(), error.headers())


_NAMED_FIELD = re.compile(r"(?:unknown|missing required) field `([^`]+)`")
# How a body's own check (a __post_init__) names the field: "field `x` must be ...".
_CHECKED_FIELD = re.compile(r"^field `([^`]+)` (.+)$", re.DOTALL)


def _parameter_name(request: Request[Any, Any, Any], key: str) -> str:
    """A query parameter as the URL spells it (`from`), not as the handler does."""
    parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    kwarg = getattr(parameter, "kwarg_definition", None)
    return getattr(kwarg, "name", None) or key


def _field_errors(request: Request[Any, Any, Any], extra: Any) -> list[FieldError]:
    """Litestar reports msgspec errors as {message, key, source}; name the real field."""
    errors = []
    for item in extra if isinstance(extra, list) else []:
        if not isinstance(item, dict):
            continue
        message = str(item.get("message", "invalid value"))
        key = str(item.get("key") or "")
        if key == "data" and message == "'data'":
            # No body at all: the handler's `data` argument is missing (a KeyError).
            errors.append(FieldError(field="body", message="a JSON body is required"))
            continue
        parent = "" if key in {"", "data"} else f"{key}."
        if named := _NAMED_FIELD.search(message):
            key = parent + named.group(1)
        elif checked := _CHECKED_FIELD.match(message):
            key, message = parent + checked.group(1), checked.group(2)
        elif item.get("source") == "query":
            key = _parameter_name(request, key)
        elif key == "data":
            key = "body"  # the body as a whole: an array where an object belongs, say
        errors.append(FieldError(field=key or "body", message=_in_words(message)))
    return errors


# Litestar's words for a parameter that was not sent at all.
_MISSING_PARAMETER = re.compile(r"^Missing required \w+ parameter '([^']+)'")


def _validation_problem(errors: list[FieldError]) -> Response[Problem]:
    problem = Problem(
        type="urn:polku:problem:validation",
        title=HTTPStatus.UNPROCESSABLE_ENTITY.phrase,
        status=HTTPStatus.UNPROCESSABLE_ENTITY,
        detail="; ".join(f"{e.field}: {e.message}" for e in errors),
        errors=errors,
    )
    return problem_response(problem)


def handle_validation_error(
    request: Request[Any, Any, Any], error: ValidationException
) -> Response[Problem]:
    errors = _field_errors(request, error.extra)
    if not errors:
        # Not about one field of the body: a parameter not sent, or a body Litestar
        # could not take apart. Still invalid input, so still a 422 naming the field.
        detail = str(error.detail)
        if missing := _MISSING_PARAMETER.match(detail):
            errors = [FieldError(field=missing.group(1), message="is required")]
        else:
            errors = [FieldError(field="body", message=detail)]
    return _validation_problem(errors)


def handle_http_error(_: Request[Any, Any, Any], error: HTTPException) -> Response[Problem]:
    if isinstance(error.__cause__, SerializationException):
        # Litestar could not decode the body (malformed or truncated JSON): msgspec's
        # words, under the rule that invalid input is a 422 naming the field.
        return _validation_problem([FieldError("body", f"is not valid JSON: {error.detail}")])
    status = HTTPStatus(error.status_code)
    problem = Problem(
        type="about:blank", title=status.phrase, status=status.value, detail=str(error.detail)
    )
    return problem_response(problem, dict(error.headers or {}))


def handle_unexpected_error(request: Request[Any, Any, Any], error: Exception) -> Response[Problem]:
    if found := unreachable(error):
        server, culprit = found
        # One line, no traceback: the route as declared, never its ids or query.
        logger.warning(
            "503: cannot reach %s (%s%s) in %s %s",
            server,
            type(culprit).__name__,
            f" {culprit.sqlstate}" if isinstance(culprit, asyncpg.PostgresError) else "",
            request.method,
            request.scope.get("path_template", "?"),
        )
        detail = f"Polku cannot reach {server} right now; try again in a few seconds"
        return handle_polku_error(request, Unavailable(detail))
    logger.exception("unhandled error in %s %s", request.method, request.url.path, exc_info=error)
    problem = Problem(
        type="about:blank",
        title=HTTPStatus.INTERNAL_SERVER_ERROR.phrase,
        status=HTTPStatus.INTERNAL_SERVER_ERROR,
        detail="something went wrong on our side; the request id helps us find it",
    )
    return problem_response(problem)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    PolkuError: handle_polku_error,
    ValidationException: handle_validation_error,
    HTTPException: handle_http_error,
    Exception: handle_unexpected_error,
}


_DESCRIPTIONS = {
    400: "The HTTP request itself is malformed (a bad Content-Length, say)",
    401: "Missing, expired or revoked bearer token",
    403: "The caller's role does not allow this",
    404: "Not found, or outside the caller's reach",
    409: "The change conflicts with the current state",
    412: "The document changed since it was read (If-Match)",
    428: "If-Match is required: the ETag the document was read with",
    422: "Invalid input, a body that is not JSON included; `errors` names each field",
    429: "Too many attempts; retry after the given seconds",
    503: "The database or Redis is not answering; retry after the given seconds",
}


# One real answer of each kind, as an example in the document (rather than random text).
_EXAMPLES: dict[int, dict[str, Any]] = {
    400: {"type": "about:blank", "title": "Bad Request", "status": 400,
          "detail": "Malformed request line"},
    401: {"type": "urn:polku:problem:unauthorized", "title": "Unauthorized", "status": 401,
          "detail": "sign in first: Authorization: Bearer <token>"},
    403: {"type": "urn:polku:problem:forbidden", "title": "Forbidden", "status": 403,
          "detail": "this needs one of the roles: coach, admin"},
    404: {"type": "urn:polku:problem:not-found", "title": "Not Found", "status": 404,
          "detail": "no such client"},
    409: {"type": "urn:polku:problem:conflict", "title": "Conflict", "status": 409,
          "detail": "a referral in status requested cannot move to completed",
          "allowed": ["received", "cancelled"]},
    412: {"type": "urn:polku:problem:precondition-failed", "title": "Precondition Failed",
          "status": 412, "detail": "the document changed since it was read"},
    428: {"type": "urn:polku:problem:precondition-required", "title": "Precondition Required",
          "status": 428, "detail": "send If-Match with the ETag the document was read with"},
    422: {"type": "urn:polku:problem:validation", "title": "Unprocessable Entity",
          "status": 422, "detail": "levels: must have all five levels -2 to 2",
          "errors": [{"field": "levels", "message": "must have all five levels -2 to 2"}]},
    429: {"type": "urn:polku:problem:too-many-requests", "title": "Too Many Requests",
          "status": 429, "detail": "too many attempts; try again in 60 seconds"},
    503: {"type": "urn:polku:problem:unavailable", "title": "Service Unavailable",
          "status": 503, "detail": "the database is not answering; try again in 5 seconds"},
}  # fmt: skip


def problems(*statuses: int) -> dict[int, ResponseSpec]:
    """OpenAPI entries for the problems a route can answer (400 and 503 always: any request
    can be malformed HTTP, and any can meet the database down)."""
    return {
        status: ResponseSpec(
            data_container=Problem,
            description=_DESCRIPTIONS[status],
            media_type=PROBLEM_MEDIA_TYPE,
            generate_examples=False,
            examples=[Example(summary=_DESCRIPTIONS[status], value=_EXAMPLES[status])],
        )
        for status in sorted({400, 503, *statuses})
    }
