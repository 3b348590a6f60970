"""How a try at delivering can fail: for now (try again later) or for good.

Both channels raise these; the sender records their reason in the delivery log."""

from __future__ import annotations


class DeliveryFailure(Exception):
    """A try that did not deliver. `reason` is what a coach reads in the delivery log;
    `code` the server's answer ("SMTP 450", "HTTP 503") for the logs. Neither carries
    the recipient's address: servers often quote it in their answer, which is dropped."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TransientFailure(DeliveryFailure):
    """Worth trying again later: the server was away, busy, slow, or asked us to wait.
    `lasting` says what went wrong once it has gone on for too long."""

    def __init__(self, reason: str, *, lasting: str, code: str | None = None) -> None:
        super().__init__(reason, code=code)
        self.lasting = lasting


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: the address was refused, the request rejected."""
