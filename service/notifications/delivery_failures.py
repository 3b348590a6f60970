"""How a try at delivering can fail: for now (try again later) or for good.

Both channels raise these; the sender records their reason in the delivery log, and
counts them by `kind` for the metrics (migration 0025)."""

from __future__ import annotations

from typing import Literal

# Why a try failed, in the few words a metric label may have (never a server's text):
# the server refused the message for good; asked to try later (a greylisting 450, an
# HTTP 503); could not be reached; did not answer in time; no server is configured; an
# error in Polku; the worker died while sending (counted in dispatch, not raised).
FailureKind = Literal[
    "refused", "deferred", "unreachable", "timeout", "not_configured", "internal", "interrupted"
]


class DeliveryFailure(Exception):
    """A try that did not deliver. `reason` is what a coach reads in the delivery log;
    `code` the server's answer ("SMTP 450", "HTTP 503") for the logs. Neither carries
    the recipient's address: servers often quote it in their answer, which is dropped.
    `kind` classifies it for the metrics; unless given, a permanent failure was refused
    and a passing one deferred when the server answered, unreachable when it did not."""

    def __init__(
        self, reason: str, *, code: str | None = None, kind: FailureKind | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
        self._kind = kind

    @property
    def kind(self) -> FailureKind:
        if self._kind is not None:
            return self._kind
        if isinstance(self, TransientFailure):
            return "unreachable" if self.code is None else "deferred"
        return "refused"


class TransientFailure(DeliveryFailure):
    """Worth trying again later: the server was away, busy, slow, or asked us to wait.
    `lasting` says what went wrong once it has gone on for too long."""

    def __init__(
        self,
        reason: str,
        *,
        lasting: str,
        code: str | None = None,
        kind: FailureKind | None = None,
    ) -> None:
        super().__init__(reason, code=code, kind=kind)
        self.lasting = lasting


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: the address was refused, the request rejected."""
