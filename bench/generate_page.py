"""The client whose own page the page benchmark reads: in a coming eight-week group with
a theme each week, with two coming one-to-one meetings (one online), an answer given,
their responsible worker to contact, and consents to the page and to a calendar feed
(so the page also offers the calendar, its QR code made on every read)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

import asyncpg

from bench.region import Region, copy_rows, new_id
from service.base.tokens import digest
from service.composers.demo.plausible import GROUP_THEMES
from service.programmes.schedule import plan_sessions

PAGE_TOKEN = "pp_bench-page-token-000000000000000000000000000"

PROGRAMME_COLUMNS = [
    "id", "organisation_id", "title", "first_session_date", "start_time", "duration_minutes",
    "weeks", "timezone", "capacity", "location_name", "location_address", "online_url",
    "skip_public_holidays", "reminder_offsets", "starts_at", "ends_at", "created_by",
    "created_at", "updated_at",
]  # fmt: skip
SESSION_COLUMNS = ["id", "programme_id", "number", "starts_at", "ends_at", "planned_starts_at",
                   "theme", "status", "revision", "updated_at"]  # fmt: skip


async def generate_page_client(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    now = datetime.now(UTC)
    client_id, worker, coach = new_id(), region.bench_worker, region.bench_coach
    organisation = await conn.fetchval(
        "SELECT organisation_id::text FROM staff WHERE id = $1", worker
    )
    await copy_rows(
        conn,
        "clients",
        ["id", "organisation_id", "first_name", "last_name", "phone", "language", "created_by"],
        [(client_id, organisation, "Pauliina", "Sivunen", "+358 50 555 0199", "fi", worker)],
    )
    await copy_rows(conn, "client_workers", ["client_id", "staff_id"], [(client_id, worker)])
    await copy_rows(
        conn,
        "consents",
        ["id", "client_id", "purpose", "recorded_by"],
        [(new_id(), client_id, purpose, worker) for purpose in ("client_page", "calendar_feed")],
    )
    programme_id, first = new_id(), now.date() + timedelta(days=3)
    planned = plan_sessions(
        first_session_date=first,
        start_time=time(10),
        duration_minutes=120,
        weeks=8,
        timezone="Europe/Helsinki",
    )
    await copy_rows(
        conn,
        "programmes",
        PROGRAMME_COLUMNS,
        [
            (
                programme_id, rng.choice(region.ngos), "Arjen taidot", first, time(10), 120, 8,
                "Europe/Helsinki", 12, "Kohtaamispaikka", "Kauppakatu 1, Järvilä", None, True,
                ["P1D", "PT2H"], planned[0].starts_at, planned[-1].ends_at, coach, now, now,
            )
        ],
    )  # fmt: skip
    await copy_rows(
        conn,
        "programme_staff",
        ["programme_id", "staff_id", "role"],
        [(programme_id, coach, "facilitator")],
    )
    sessions = [
        (
            new_id(), programme_id, s.number, s.starts_at, s.ends_at, s.starts_at,
            GROUP_THEMES[s.number - 1], "scheduled", 0, now,
        )
        for s in planned
    ]  # fmt: skip
    await copy_rows(conn, "sessions", SESSION_COLUMNS, sessions)
    await copy_rows(
        conn,
        "enrolments",
        ["id", "programme_id", "client_id", "status", "created_at", "enrolled_at"],
        [(new_id(), programme_id, client_id, "enrolled", now, now)],
    )
    plan_id = new_id()
    await copy_rows(
        conn,
        "plans",
        ["id", "client_id", "kind", "starts_on", "created_by", "created_at"],
        [(plan_id, client_id, "goal_coaching", now.date(), coach, now)],
    )
    await copy_rows(conn, "plan_coaches", ["plan_id", "staff_id"], [(plan_id, coach)])
    meetings = []
    for days, place, online in ((5, "Ohjaamo", None), (12, None, "https://meet.example/pauliina")):
        starts = now.replace(hour=11, minute=0, second=0, microsecond=0) + timedelta(days=days)
        meetings.append(
            (new_id(), plan_id, starts, starts + timedelta(hours=1), place, online, coach)
        )
    await copy_rows(
        conn,
        "meetings",
        ["id", "plan_id", "starts_at", "ends_at", "location_name", "online_url", "created_by"],
        meetings,
    )
    await copy_rows(
        conn,
        "rsvps",
        ["client_id", "session_id", "answer", "via"],
        [(client_id, sessions[0][0], "coming", "page")],
    )
    await copy_rows(
        conn,
        "client_page_links",
        ["client_id", "token_hash", "created_by", "expires_at"],
        [(client_id, digest(PAGE_TOKEN), worker, now + timedelta(days=365))],
    )
