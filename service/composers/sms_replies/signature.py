"""The SMS gateway's signature on what it hands over: HMAC-SHA256 of the raw body with
the shared secret (SMS_INBOUND_SECRET), sent as `X-Polku-Signature: sha256=<hex>`.
Pure functions."""

from __future__ import annotations

import hashlib
import hmac

HEADER = "X-Polku-Signature"
_SCHEME = "sha256="


def signature(secret: str, body: bytes) -> str:
    """The header's value for `body`: what the gateway (or `polku sms inbound`) sends."""
    return _SCHEME + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def is_signed(secret: str, body: bytes, given: str | None) -> bool:
    """Whether `given` is the signature of `body`, compared in constant time."""
    if not given or not given.startswith(_SCHEME):
        return False
    return hmac.compare_digest(given.encode(), signature(secret, body).encode())
