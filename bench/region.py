"""What the generators share: the ids made so far, and how rows go in."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import asyncpg

WORKER_CLIENTS = 200  # the benchmark worker's caseload, as in the stalled-paths budget


@dataclass
class Region:
    """Ids of what has been generated, for the generators that build on it."""

    county: str = ""
    municipalities: list[str] = field(default_factory=list)
    ngos: list[str] = field(default_factory=list)
    referrers: list[str] = field(default_factory=list)
    coaches: list[str] = field(default_factory=list)
    admins: dict[str, str] = field(default_factory=dict)
    clients: list[str] = field(default_factory=list)
    client_worker: dict[str, str] = field(default_factory=dict)
    bench_worker: str = ""
    bench_admin: str = ""
    bench_coach: str = ""
    programmes: list[str] = field(default_factory=list)


_ids = random.Random(0x706F6C6B75)


def seed_ids(seed: int) -> None:
    _ids.seed(seed)


def new_id() -> str:
    """A version-4 UUID from a seeded generator: the same data gets the same ids, and
    it is several times faster than uuid.uuid4() for the million ids of a region."""
    h = f"{_ids.getrandbits(128):032x}"
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


async def copy_rows(
    conn: asyncpg.Connection, table: str, columns: list[str], rows: list[Any]
) -> None:
    await conn.copy_records_to_table(table, records=rows, columns=columns)
