"""The page's form token (against cross-site form posts): an HMAC keyed by the page
link's own secret over a time window. Whoever holds the link can load the page and read
the token, so a server-wide secret would add nothing; what the token proves is that the
form came from this link's page, served within the last window or the one before it.
Pure functions, no I/O."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

WINDOW_SECONDS = 6 * 3600


def _window(at: datetime) -> int:
    return int(at.timestamp()) // WINDOW_SECONDS


def _mac(link_token: str, window: int) -> str:
    message = f"client page form {window}".encode()
    return hmac.new(link_token.encode(), message, hashlib.sha256).hexdigest()


def form_token(link_token: str, at: datetime) -> str:
    window = _window(at)
    return f"{window}.{_mac(link_token, window)}"


def is_valid(link_token: str, given: str | None, at: datetime) -> bool:
    """Made for this link in the current window or the one before it."""
    if not given or given.count(".") != 1:
        return False
    window_text, mac = given.split(".")
    if not window_text.isdigit() or len(window_text) > 20:
        return False
    window = int(window_text)
    if window not in (_window(at), _window(at) - 1):
        return False
    return hmac.compare_digest(mac, _mac(link_token, window))
