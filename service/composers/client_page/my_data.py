""" "My data": what Polku holds on the client, at a summary level, and who among staff
has looked at it or changed it (from the audit trail: name, organisation, when, what).
The same content serves the HTML page and the JSON download."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import asyncpg
import msgspec

from service.composers.client_page.sql import queries

VIEWERS_SHOWN = 500
_OPEN_REFERRALS = {"requested", "received", "accepted", "in-progress", "on-hold"}


class Record(msgspec.Struct, kw_only=True):
    first_name: str
    last_name: str
    birth_date: date | None
    home_municipality: str | None
    email: str | None
    phone: str | None
    language: str
    plain_language: bool
    timezone: str
    organisation: str
    since: date


class Consent(msgspec.Struct, kw_only=True):
    purpose: str
    given_on: date
    valid_until: date | None
    revoked_on: date | None
    valid: bool


class Group(msgspec.Struct, kw_only=True):
    title: str
    status: str
    starts_on: date


class Plan(msgspec.Struct, kw_only=True):
    kind: str
    starts_on: date
    ends_on: date | None
    goals: list[str]


class Referral(msgspec.Struct, kw_only=True):
    target: str | None
    status: str
    referred_on: date


class Assessment(msgspec.Struct, kw_only=True):
    instrument: str
    name: dict[str, str]
    assessed_on: date
    answered_by: str


class Viewer(msgspec.Struct, kw_only=True):
    at: datetime
    staff_name: str
    organisation: str
    action: str


class MyData(msgspec.Struct, kw_only=True):
    record: Record
    consents: list[Consent]
    groups: list[Group]
    plans: list[Plan]
    referrals: list[Referral]
    assessments: list[Assessment]
    viewed_by: list[Viewer]


def _all(rows: list[Any], kind: type[Any]) -> list[Any]:
    return [msgspec.convert(dict(row), kind) for row in rows]


async def my_data(conn: asyncpg.Connection, client_id: str) -> MyData:
    record = await queries.my_record(conn, client_id=client_id)
    viewers = await queries.my_viewers(conn, client_id=client_id, limit=VIEWERS_SHOWN)
    return MyData(
        record=msgspec.convert(dict(record), Record),
        consents=_all(await queries.my_consents(conn, client_id=client_id), Consent),
        groups=_all(await queries.my_groups(conn, client_id=client_id), Group),
        plans=_all(await queries.my_plans(conn, client_id=client_id), Plan),
        referrals=_all(await queries.my_referrals(conn, client_id=client_id), Referral),
        assessments=_all(await queries.my_assessments(conn, client_id=client_id), Assessment),
        viewed_by=[
            Viewer(
                at=row["occurred_at"],
                staff_name=row["staff_name"],
                organisation=row["organisation"],
                action=row["action"],
            )
            for row in viewers
        ],
    )


def referral_state(status: str) -> str:
    """A referral's status as the client reads it: under way, done or ended."""
    if status in _OPEN_REFERRALS:
        return "referral_open"
    return "referral_done" if status == "completed" else "referral_closed"
