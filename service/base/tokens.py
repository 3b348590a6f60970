"""Bearer secrets: long random strings shown once and stored only as digests."""

from __future__ import annotations

import hashlib
import secrets


def new_secret(prefix: str) -> str:
    """A URL-safe secret with 256 bits of randomness and a prefix telling what it is."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def digest(secret: str) -> bytes:
    # The secrets carry 256 random bits, so a fast hash is enough: nobody can
    # guess one by trying, and the digest alone opens nothing.
    return hashlib.sha256(secret.encode()).digest()
