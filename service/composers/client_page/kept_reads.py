"""Reads of kept pages (page_cache.py) counted on this process and handed to Redis ten
at a time, so that a page served from memory costs no Redis round trip either. Pure
bookkeeping, no I/O: limits.py does the talking.

Each (address, link) pair may run up to BATCH - 1 reads ahead of Redis on each API
process; whenever this process asks Redis about a link, it hands over everything it
holds for that link. Near a limit, or once over it, a subject is counted exactly
again: every read asks Redis until its window ends. So a limit holds to within a few
reads per process, and a refusal is never missed.

The read that fills a batch need not wait for Redis either while both its subjects
have room for two more batches (`far_from_limits`: what Redis last answered, less what
was counted here since): the batch is handed over behind it, and while that is on its
way the reads of the link are held here beyond the batch. Waiting for Redis under load
took the page's p99 to twenty times its median. Closer than that, the read waits for
what is on its way and for its own count, as near a limit."""

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
        # Subjects' room under their limits when Redis last answered (most recent last).
        self._room: dict[str, int] = {}

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
        self._spend(address, link, 1)
        return True

    def take(self, link: str) -> dict[str, int]:
        """Every read held for `link`, by address; they are Redis's to count now."""
        taken = self._pending.pop(link, {})
        self._pairs -= len(taken)
        return taken

    def count_exactly(self, subject: str, seconds: float) -> None:
        """`subject` is near or over its limit: no reads of it held here for a while."""
        self._exact_until[subject] = time.monotonic() + seconds

    def hold_again(self, link: str, taken: dict[str, int]) -> None:
        """Reads handed over that Redis never counted (it was away): held again."""
        by_address = self._pending[link]
        for address, held in taken.items():
            if address not in by_address:
                self._pairs += 1
            by_address[address] = by_address.get(address, 0) + held

    def hold(self, address: str, link: str) -> None:
        """One read held beyond the batch (while the batch before it is on its way)."""
        self.hold_again(link, {address: 1})
        self._spend(address, link, 1)

    def handed_over(self, address: str, link: str, taken: dict[str, int]) -> None:
        """`taken` (with the read that filled the batch) is on its way to Redis."""
        self._spend(address, link, 1 + sum(taken.values()))

    def note_room(self, address: str, link: str, address_room: int, link_room: int) -> None:
        """What Redis answered: the address and the link may take so many more reads in
        their windows, less those held here since (not yet in that answer)."""
        held = self._pending.get(link, {})
        for subject, room in (
            (f"address:{address}", address_room - held.get(address, 0)),
            (f"link:{link}", link_room - sum(held.values())),
        ):
            self._room.pop(subject, None)
            self._room[subject] = room
        while len(self._room) > 2 * MAX_PAIRS:  # the oldest answers go first
            del self._room[next(iter(self._room))]

    def far_from_limits(self, address: str, link: str) -> bool:
        """Whether both subjects have room for two more batches, as far as is known."""
        return all(
            self._room.get(subject, 0) >= 2 * BATCH
            for subject in (f"address:{address}", f"link:{link}")
        )

    def _spend(self, address: str, link: str, reads: int) -> None:
        for subject in (f"address:{address}", f"link:{link}"):
            if subject in self._room:
                self._room[subject] -= reads
