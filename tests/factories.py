"""Rows for tests, written straight to the database (fast, no password hashing per user)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.accounts.passwords import hash_password_sync
from service.base.tokens import digest, new_secret

PASSWORD = "correct horse battery staple"
_PASSWORD_HASH = hash_password_sync(PASSWORD)
_numbers = itertools.count(1)


@dataclass(frozen=True)
class Person:
    id: str
    organisation_id: str
    email: str
    name: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Factory:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn

    async def organisation(
        self, kind: str = "ngo", *, name: str | None = None, managed_by: str | None = None
    ) -> str:
        name = name or f"Organisation {next(_numbers)}"
        organisation_id: str = await self.conn.fetchval(
            "INSERT INTO organisations (name, kind, managed_by) VALUES ($1, $2, $3) RETURNING id",
            name,
            kind,
            managed_by,
        )
        return organisation_id

    async def staff(
        self,
        *roles: str,
        organisation_id: str | None = None,
        name: str | None = None,
        phone: str | None = None,
    ) -> Person:
        organisation_id = organisation_id or await self.organisation()
        number = next(_numbers)
        name = name or f"Staff Member {number}"
        email = f"staff{number}@polku.test"
        staff_id: str = await self.conn.fetchval(
            """
            INSERT INTO staff (organisation_id, email, name, phone, password_hash, roles)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            organisation_id,
            email,
            name,
            phone,
            _PASSWORD_HASH,
            list(roles or ["coach"]),
        )
        person = Person(staff_id, organisation_id, email, name, "")
        return Person(staff_id, organisation_id, email, name, await self.token(person))

    async def token(self, person: Person) -> str:
        """A new bearer token of the staff member's, valid for an hour."""
        token = new_secret("polku")
        await self.conn.execute(
            "INSERT INTO access_tokens (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
            digest(token),
            person.id,
            datetime.now(UTC) + timedelta(hours=1),
        )
        return token

    async def client(self, worker: Person, **fields: Any) -> str:
        """A client in the worker's organisation, with the worker responsible for them."""
        number = next(_numbers)
        values = {"first_name": f"Client{number}", "last_name": "Testinen", **fields}
        columns = ", ".join(values)
        placeholders = ", ".join(f"${i}" for i in range(3, len(values) + 3))
        client_id: str = await self.conn.fetchval(
            f"INSERT INTO clients (organisation_id, created_by, {columns}) "  # noqa: S608
            f"VALUES ($1, $2, {placeholders}) RETURNING id",
            worker.organisation_id,
            worker.id,
            *values.values(),
        )
        await self.responsible(client_id, worker)
        return client_id

    async def responsible(self, client_id: str, worker: Person) -> None:
        await self.conn.execute(
            "INSERT INTO client_workers (client_id, staff_id) VALUES ($1, $2)",
            client_id,
            worker.id,
        )

    async def consent(
        self,
        client_id: str,
        purpose: str,
        by: Person,
        *,
        organisation_ids: list[str] | None = None,
        valid_until: Any = None,
    ) -> str:
        consent_id: str = await self.conn.fetchval(
            """
            INSERT INTO consents (client_id, purpose, organisation_ids, valid_until, recorded_by)
            VALUES ($1, $2, $3, $4, $5) RETURNING id
            """,
            client_id,
            purpose,
            organisation_ids or [],
            valid_until,
            by.id,
        )
        return consent_id


def zone_where_the_hour_is(*hours: int) -> ZoneInfo:
    """A fixed-offset zone whose local hour is now one of `hours`: tests of SMS, which
    never go at night, run at any time of day."""
    now = datetime.now(UTC)
    for offset in range(-12, 15):
        zone = ZoneInfo(f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC")
        if now.astimezone(zone).hour in hours:
            return zone
    raise AssertionError("every hour is some zone's local hour")
