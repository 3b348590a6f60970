"""How a refusal is worded when Litestar hands over something other than a field error."""

from __future__ import annotations

from typing import Any, cast

import msgspec
from litestar import Request
from litestar.exceptions import ValidationException

from service.errors import handle_validation_error, pattern

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
