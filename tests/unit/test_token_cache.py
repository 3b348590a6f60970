"""How long an API process trusts a token it has verified, without asking the database."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

from service.base.identity import Actor, TokenCache

COACH = Actor("s1", "o1", "aino@polku.test", "Aino", frozenset({"coach"}))
LATER = datetime.now(UTC) + timedelta(hours=1)


def test_a_verified_token_is_trusted_for_at_most_a_second() -> None:
    """The safety net for a notification that never arrived (listener connection lost)."""
    cache = TokenCache()
    cache.put(b"token", COACH, LATER, cache.generation)
    assert cache.get(b"token") == COACH
    time.sleep(1.01)
    assert cache.get(b"token") is None


def test_what_was_read_before_a_change_is_not_kept() -> None:
    """A request that read the account just before a change committed must not cache
    what it read once the change has been announced."""
    cache = TokenCache()
    generation = cache.generation
    cache.forget_staff("someone else entirely")
    cache.put(b"token", COACH, LATER, generation)
    assert cache.get(b"token") is None
