"""Reads of kept pages (page_cache.py) counted on this process and handed to Redis ten
at a time, so that a page served from memory costs no Redis round trip either. Pure
bookkeeping, no I/O: limits.py does the talking.

Each (address, link) pair may run up to BATCH - 1 reads ahead of Redis on each API
process; whenever this process asks Redis about a link, it hands over everything it
holds for that link. Near a limit, or once over it, a subject is counted exactly
again: every read asks Redis until its window ends. So a limit holds to within a few
reads per process, and a refusal is never missed."""

from __future__ import annotations

import time
from collections import defaultdict

BATCH = 10
MAX_PAIRS = 50_000


class KeptReads:
    def __init__(self) -> None:
        self._pending: dict[str, dict[str, int]] = defaultdict(dict)  # link -> address -> n
        self._pairs = 0
        # Subjects ("address:…", "link:…") counted exactly until then (monotonic time).
        self._exact_until: dict[str, float] = {}

    def counted_here(self, address: str, link: str) -> bool:
        """Count one read here, unless the pair's batch is full or a subject must be
        counted exactly: then the caller asks Redis (handing over what is held)."""
        now = time.monotonic()
        for subject in (f"address:{address}", f"link:{link}"):
            until = self._exact_until.get(subject)
            if until is not None:
                if until > now:
                    return False
                del self._exact_until[subject]
        by_address = self._pending[link]
        held = by_address.get(address, 0)
        if held >= BATCH - 1 or self._pairs >= MAX_PAIRS:
            return False
        if held == 0:
            self._pairs += 1
        by_address[address] = held + 1
        return True

    def take(self, link: str) -> dict[str, int]:
        """Every read held for `link`, by address; they are Redis's to count now."""
        taken = self._pending.pop(link, {})
        self._pairs -= len(taken)
        return taken

    def count_exactly(self, subject: str, seconds: float) -> None:
        """`subject` is near or over its limit: no reads of it held here for a while."""
        self._exact_until[subject] = time.monotonic() + seconds
