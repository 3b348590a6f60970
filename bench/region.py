"""What the generators share: the ids made so far, and how rows go in."""

from __future__ import annotations

import uuid
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


def new_id() -> str:
    return str(uuid.uuid4())


async def copy_rows(
    conn: asyncpg.Connection, table: str, columns: list[str], rows: list[Any]
) -> None:
    await conn.copy_records_to_table(table, records=rows, columns=columns)
