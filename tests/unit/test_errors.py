"""How a refusal is worded when Litestar hands over something other than a field error."""

from __future__ import annotations

from typing import Any, cast

import asyncpg
import msgspec
import pytest
import redis.exceptions
from litestar import Request
from litestar.exceptions import ValidationException

from service.base.problems import handle_validation_error, pattern, unreachable

# Requests the handler does not look at: no field error in `extra` names a parameter.
_NO_REQUEST = cast(Request[Any, Any, Any], None)


def _errors(error: ValidationException) -> tuple[int, Any]:
    response = handle_validation_error(_NO_REQUEST, error)
    content = msgspec.to_builtins(response.content)
    return response.status_code, content["errors"]


def test_a_parameter_not_sent_is_named() -> None:
    error = ValidationException("Missing required query parameter 'from' for path /api/v1/x")
    assert _errors(error) == (422, [{"field": "from", "message": "is required"}])


def test_other_body_trouble_is_a_422_about_the_body() -> None:
    status, errors = _errors(ValidationException("multipart boundary missing in Content-Type"))
    assert (status, errors) == (
        422,
        [{"field": "body", "message": "multipart boundary missing in Content-Type"}],
    )


def test_a_registered_pattern_is_explained_and_an_unknown_one_is_not_shown() -> None:
    known = pattern(r"^x+$", "must be only the letter x")
    extra = [
        {"message": f"Expected `str` matching regex {known!r}", "key": "a", "source": "body"},
        {"message": "Expected `str` matching regex '^y$'", "key": "b", "source": "body"},
    ]
    assert _errors(ValidationException(extra=extra))[1] == [
        {"field": "a", "message": "must be only the letter x"},
        {"field": "b", "message": "is not in the expected form"},
    ]


def _postgres(code: str, severity: str = "ERROR") -> asyncpg.PostgresError:
    return asyncpg.PostgresError.new({"C": code, "S": severity, "V": severity, "M": "words"})


def _group(*errors: Exception, cause: Exception | None = None) -> ExceptionGroup[Exception]:
    group = ExceptionGroup("cleanup", list(errors))
    group.__cause__ = cause
    return group


@pytest.mark.parametrize(
    ("error", "server"),
    [
        # Refused, reset or timed out before PostgreSQL said a word.
        pytest.param(ConnectionRefusedError(111, "Connect call failed"), "a server", id="refused"),
        pytest.param(OSError("Multiple exceptions: [Errno 111] ..."), "a server", id="all-refused"),
        pytest.param(TimeoutError(), "a server", id="connect-timeout"),
        pytest.param(ConnectionResetError(), "a server", id="reset"),
        # PostgreSQL ending or refusing the session.
        pytest.param(_postgres("57P01", "FATAL"), "the database", id="admin-shutdown"),
        pytest.param(_postgres("57P03", "FATAL"), "the database", id="starting-up"),
        pytest.param(_postgres("53300", "FATAL"), "the database", id="too-many-connections"),
        pytest.param(_postgres("55000", "FATAL"), "the database", id="not-accepting"),
        pytest.param(_postgres("28P01", "FATAL"), "the database", id="any-fatal"),
        pytest.param(_postgres("53300"), "the database", id="too-many-connections-error"),
        pytest.param(
            asyncpg.exceptions.ConnectionDoesNotExistError("closed in the middle of operation"),
            "the database",
            id="died-mid-query",
        ),
        pytest.param(
            asyncpg.InterfaceError("cannot perform operation: connection is closed"),
            "the database",
            id="closed",
        ),
        pytest.param(asyncpg.InterfaceError("pool is closing"), "the database", id="pool-closing"),
        pytest.param(
            asyncpg.exceptions.InternalClientError("cannot switch to state 11"),
            "the database",
            id="terminated-while-idle",
        ),
        pytest.param(redis.exceptions.ConnectionError("Error 111"), "Redis", id="redis-refused"),
        pytest.param(redis.exceptions.TimeoutError("Timeout"), "Redis", id="redis-timeout"),
        pytest.param(redis.exceptions.BusyLoadingError("loading"), "Redis", id="redis-loading"),
        # A rollback that failed after the connection died, in Litestar's cleanup group.
        pytest.param(
            _group(
                asyncpg.InterfaceError("connection is closed"),
                cause=asyncpg.exceptions.ConnectionDoesNotExistError("closed"),
            ),
            "the database",
            id="group",
        ),
        pytest.param(
            _group(ValueError("rollback"), cause=_postgres("57P01", "FATAL")),
            "the database",
            id="group-cause",
        ),
        # Mistakes of ours stay 500s.
        pytest.param(_postgres("23505"), None, id="unique-violation"),
        pytest.param(_postgres("55000"), None, id="not-in-prerequisite-state"),
        pytest.param(_postgres("57014"), None, id="query-cancelled"),
        pytest.param(
            asyncpg.InterfaceError("cannot perform operation: another operation is in progress"),
            None,
            id="concurrent-use",
        ),
        pytest.param(redis.exceptions.ResponseError("WRONGTYPE"), None, id="redis-wrong-type"),
        pytest.param(FileNotFoundError("template"), None, id="missing-file"),
        pytest.param(PermissionError("template"), None, id="unreadable-file"),
        pytest.param(KeyError("x"), None, id="bug"),
        pytest.param(_group(KeyError("x"), cause=ValueError()), None, id="group-of-bugs"),
    ],
)
def test_what_counts_as_a_server_out_of_reach(error: BaseException, server: str | None) -> None:
    found = unreachable(error)
    if server is None:
        assert found is None
    else:
        assert found is not None
        assert found[0].startswith(server)
