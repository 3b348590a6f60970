"""Referral pathways for the synthetic region: a service catalogue, two referrals per
client on average in every status with their history, and repeated-absence flags.

At 50,000 clients that is about 100,000 referrals; the benchmark worker's 200
clients have theirs too, some stalled in each way the stalled-paths list knows.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg

from bench.region import Region, copy_rows, new_id

CATEGORIES = [
    "työllisyys", "valmennus", "mielenterveys", "päihteet", "asuminen", "talous",
    "koulutus", "vertaistuki", "terveys", "kuntoutus",
]  # fmt: skip
SERVICE_NAMES = [
    "Työhönvalmennus", "Mielenterveyden avopalvelut", "Päihdetyön avopalvelut",
    "Asumisneuvonta", "Talous- ja velkaneuvonta", "Opintojen ohjaus", "Vertaisryhmä",
    "Kuntouttava työtoiminta", "Terveysneuvonta", "Ammatillinen kuntoutus",
]  # fmt: skip
# Where referrals end up, and the path each took to get there.
PATHS: list[tuple[float, list[str]]] = [
    (8, ["requested"]),
    (7, ["requested", "received"]),
    (10, ["requested", "received", "accepted"]),
    (15, ["requested", "received", "accepted", "in-progress"]),
    (35, ["requested", "received", "accepted", "in-progress", "completed"]),
    (8, ["requested", "received", "rejected"]),
    (7, ["requested", "cancelled"]),
    (5, ["requested", "received", "accepted", "failed"]),
    (5, ["requested", "received", "accepted", "on-hold"]),
]
REJECTIONS = [
    "Ryhmä on täynnä",
    "Ei sovi tällä hetkellä",
    "Asiakasta ei tavoitettu",
    "Ohjattu toiseen palveluun",
]
REFERRAL_COLUMNS = [
    "id", "client_id", "programme_id", "service_id", "from_organisation_id",
    "to_organisation_id", "referred_by", "reason", "consent_id", "status", "held_from",
    "status_reason", "created_at", "updated_at", "answered_at", "accepted_at", "started_at",
    "ended_at",
]  # fmt: skip
EVENT_COLUMNS = ["id", "referral_id", "actor_id", "from_status", "to_status", "reason", "at"]


def _services(rng: random.Random, clients: int, region: Region) -> list[tuple[Any, ...]]:
    now = datetime.now(UTC)
    providers = [*region.ngos, *region.municipalities]
    services = []
    for n in range(max(20, clients // 250)):
        name = SERVICE_NAMES[n % len(SERVICE_NAMES)]
        categories = sorted(set(rng.sample(CATEGORIES, 2)))
        services.append(
            (new_id(), rng.choice(providers), f"{name} {n}", f"{name}: tukea ja ohjausta.",
             categories, "Työikäiset", now)
        )  # fmt: skip
    return services


async def generate_referrals(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    now = datetime.now(UTC)
    services = _services(rng, clients, region)
    await copy_rows(
        conn,
        "services",
        ["id", "organisation_id", "name", "description", "categories", "eligibility",
         "created_at"],
        services,
    )  # fmt: skip
    programmes = [
        (row[0], row[1])
        for row in await conn.fetch(
            "SELECT id::text, organisation_id::text FROM programmes WHERE cancelled_at IS NULL"
        )
    ]
    staff_org = {
        row[0]: row[1]
        for row in await conn.fetch("SELECT id::text, organisation_id::text FROM staff")
    }
    consents = {
        row[0]: row[1]
        for row in await conn.fetch(
            "SELECT DISTINCT ON (client_id) client_id::text, id::text FROM consents "
            "WHERE purpose = 'data_sharing' ORDER BY client_id, given_at DESC"
        )
    }
    answerers: dict[str, list[str]] = {org: [] for org in staff_org.values()}
    for staff_id, org in staff_org.items():
        answerers[org].append(staff_id)
    weights = [weight for weight, _ in PATHS]
    referrals: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    for client_id in region.clients:
        worker = region.client_worker[client_id]
        for _ in range(rng.choice([0, 1, 2, 2, 3, 4])):
            if rng.random() < 0.5:
                programme_id, to_org = rng.choice(programmes)
                service_id = None
            else:
                service = rng.choice(services)
                programme_id, service_id, to_org = None, service[0], service[1]
            path = rng.choices(PATHS, weights)[0][1]
            created = now - timedelta(days=rng.uniform(1, 730))
            referral_id, at = new_id(), created
            answerer = rng.choice(answerers.get(to_org) or [worker])
            times: dict[str, datetime] = {}
            previous = None
            for status in path:
                times[status] = at
                events.append(
                    (new_id(), referral_id, worker if status in {"requested", "cancelled"}
                     else answerer, previous, status, None, at)
                )  # fmt: skip
                previous = status
                at += timedelta(days=rng.uniform(0.5, 12))
            final = path[-1]
            closed = final in {"rejected", "completed", "cancelled", "failed"}
            referrals.append(
                (referral_id, client_id, programme_id, service_id, staff_org[worker], to_org,
                 worker, "Tuen tarve arjessa", consents.get(client_id), final,
                 path[-2] if final == "on-hold" else None,
                 rng.choice(REJECTIONS) if final == "rejected" else None, created,
                 times[final], times.get("accepted") or times.get("rejected"),
                 times.get("accepted"), times.get("in-progress"),
                 times[final] if closed else None)
            )  # fmt: skip
    referrals = _one_open_per_target(referrals)
    kept = {referral[0] for referral in referrals}
    await copy_rows(conn, "referrals", REFERRAL_COLUMNS, referrals)
    await copy_rows(conn, "referral_events", EVENT_COLUMNS, [e for e in events if e[1] in kept])
    await _absence_flags(conn, rng)


def _one_open_per_target(referrals: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """A client has one open referral to each place at most (as the API enforces)."""
    open_targets: set[tuple[str, str]] = set()
    kept = []
    for referral in referrals:
        target = (referral[1], referral[2] or referral[3])
        if referral[9] not in {"rejected", "completed", "cancelled", "failed"}:
            if target in open_targets:
                continue
            open_targets.add(target)
        kept.append(referral)
    return kept


async def _absence_flags(conn: asyncpg.Connection, rng: random.Random) -> None:
    """A few enrolled clients missed two sessions in a row."""
    rows = await conn.fetch(
        "SELECT client_id::text, programme_id::text FROM enrolments WHERE status = 'enrolled'"
    )
    flags = [
        (new_id(), row[0], row[1], "repeated_absence",
         datetime.now(UTC) - timedelta(days=rng.randrange(1, 60)))
        for row in rows
        if rng.random() < 0.03
    ]  # fmt: skip
    await copy_rows(
        conn, "attention_flags", ["id", "client_id", "programme_id", "reason", "since"], flags
    )
