"""Polku's errors: what went wrong, said once, each with its HTTP status and problem type.
service/base/problems.py turns these (and every other error) into RFC 9457 problem+json."""

from __future__ import annotations

from http import HTTPStatus

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    field: str
    message: str


class Problem(msgspec.Struct, omit_defaults=True):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] | None = None
    allowed: list[str] | None = None
    existing_id: str | None = None


class PolkuError(Exception):
    status = HTTPStatus.BAD_REQUEST
    slug = "bad-request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def problem(self) -> Problem:
        return Problem(
            type=f"urn:polku:problem:{self.slug}",
            title=self.status.phrase,
            status=self.status.value,
            detail=self.detail,
        )

    def headers(self) -> dict[str, str]:
        return {}


class Unauthorized(PolkuError):
    status = HTTPStatus.UNAUTHORIZED
    slug = "unauthorized"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="polku"'}


class Forbidden(PolkuError):
    """The caller is known but their role does not allow this."""

    status = HTTPStatus.FORBIDDEN
    slug = "forbidden"


class NotFound(PolkuError):
    status = HTTPStatus.NOT_FOUND
    slug = "not-found"


class ClientOutOfReach(NotFound):
    """A client that does not exist or that the caller may not see: the same 404.

    Carries what was attempted, so the refusal is audited after the request's
    transaction has been rolled back.
    """

    def __init__(self, client_id: str, action: str) -> None:
        super().__init__("client not found")
        self.client_id = client_id
        self.action = action


class Conflict(PolkuError):
    status = HTTPStatus.CONFLICT
    slug = "conflict"

    def __init__(
        self, detail: str, *, allowed: list[str] | None = None, existing_id: str | None = None
    ) -> None:
        super().__init__(detail)
        self.allowed = allowed
        self.existing_id = existing_id

    def problem(self) -> Problem:
        problem = super().problem()
        problem.allowed = self.allowed
        problem.existing_id = self.existing_id
        return problem


class PreconditionFailed(PolkuError):
    status = HTTPStatus.PRECONDITION_FAILED
    slug = "precondition-failed"


class PreconditionRequired(PolkuError):
    status = HTTPStatus.PRECONDITION_REQUIRED
    slug = "precondition-required"


def etag(version: int) -> str:
    return f'"{version}"'


def require_match(if_match: str | None, version: int) -> None:
    """An edit of a document people share must name the version it was based on
    (If-Match, the ETag it was read with); a stale one is refused."""
    if if_match is None:
        raise PreconditionRequired("send If-Match with the ETag you read the document with")
    if if_match.strip() not in {etag(version), "*"}:
        raise PreconditionFailed("the document changed since you read it; read it again")


class InvalidInput(PolkuError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    slug = "validation"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.errors = [FieldError(field, message)]

    def problem(self) -> Problem:
        problem = super().problem()
        problem.errors = self.errors
        return problem


class TooManyRequests(PolkuError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    slug = "too-many-requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


# A restart or failover of PostgreSQL or Redis takes seconds.
RETRY_AFTER_SECONDS = 5


class Unavailable(PolkuError):
    """A server Polku needs (PostgreSQL, Redis) is not answering: the caller did nothing
    wrong and may try again shortly."""

    status = HTTPStatus.SERVICE_UNAVAILABLE
    slug = "unavailable"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(RETRY_AFTER_SECONDS)}
