"""A synthetic region for benchmarks: `--clients N` working-age people of a wellbeing
county, the municipalities and NGOs that serve them, and their staff.

Everything loads through COPY. Names come from Faker's Finnish lists and are
drawn with a seeded random generator, so the same scale gives the same data.
"""

from __future__ import annotations

import argparse
import asyncio
import random
from datetime import UTC, date, datetime, time, timedelta
from time import monotonic
from typing import Any

import asyncpg
from faker.providers.address.fi_FI import Provider as FinnishAddresses
from faker.providers.person.fi_FI import Provider as FinnishNames

from bench.generate_activity import generate_activity
from bench.generate_coaching import generate_coaching
from bench.generate_page import generate_page_client
from bench.generate_questionnaires import generate_questionnaires
from bench.generate_referrals import generate_referrals
from bench.generate_support import generate_support
from bench.generate_worklist import generate_worklist_coach
from bench.region import WORKER_CLIENTS, Region, copy_rows, new_id, seed_ids
from service.accounts.passwords import hash_password_sync
from service.base.clock import HELSINKI
from service.base.tokens import digest
from service.composers.demo.plausible import GROUP_THEMES, email_address
from service.programmes.schedule import plan_sessions

# Bump when the generated data changes, so existing benchmark databases are rebuilt.
GENERATOR_VERSION = "16"
BENCH_PASSWORD = "benchmark-password"
# Fixed tokens for the load generator; they open only a benchmark database.
WORKER_TOKEN = "polku_bench-worker-token-0000000000000000000000000"
ADMIN_TOKEN = "polku_bench-admin-token-00000000000000000000000000"
COACH_TOKEN = "polku_bench-coach-token-00000000000000000000000000"
ANALYST_TOKEN = "polku_bench-analyst-token-000000000000000000000000"
FEED_TOKEN = "pf_bench-feed-token-00000000000000000000000000000"
# The bench server's SMS gateway secret: the sms_inbound scenario signs with it.
SMS_INBOUND_SECRET = "bench-sms-gateway-secret"
FEED_PROGRAMMES = 5  # × 8 sessions: the 40-event client feed of the feed benchmark

FEMALE_NAMES = list(FinnishNames.first_names_female)
MALE_NAMES = list(FinnishNames.first_names_male)
LAST_NAMES = list(FinnishNames.last_names)
MUNICIPALITIES = list(FinnishAddresses.cities)
NGO_NAMES = [
    "Askel",
    "Polku",
    "Silta",
    "Verso",
    "Kiintopiste",
    "Majakka",
    "Tuulensuoja",
    "Harjun Tuki",
    "Kipinä",
    "Luotsi",
    "Ankkuri",
    "Välitila",
]


async def generate_accounts(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    now = datetime.now(UTC)
    region.county = new_id()
    region.municipalities = [new_id() for _ in range(max(3, clients // 5000))]
    region.ngos = [new_id() for _ in range(max(2, clients // 2500))]
    organisations: list[tuple[Any, ...]] = [
        (region.county, "Järvimaan hyvinvointialue", "wellbeing_county", None, now)
    ]
    for i, org in enumerate(region.municipalities):
        organisations.append(
            (
                org,
                f"{MUNICIPALITIES[i % len(MUNICIPALITIES)]} {i}",
                "municipality",
                region.county,
                now,
            )
        )
    for i, org in enumerate(region.ngos):
        organisations.append(
            (org, f"{NGO_NAMES[i % len(NGO_NAMES)]} ry {i}", "ngo", region.county, now)
        )
    await copy_rows(
        conn, "organisations", ["id", "name", "kind", "managed_by", "created_at"], organisations
    )

    password_hash = hash_password_sync(BENCH_PASSWORD)
    staff: list[tuple[Any, ...]] = []

    def person(organisation: str, roles: list[str]) -> str:
        staff_id = new_id()
        first, last = rng.choice(FEMALE_NAMES + MALE_NAMES), rng.choice(LAST_NAMES)
        email = email_address(first, last, "bench.example", len(staff))
        phone = f"+358 40 {rng.randrange(1000000, 9999999)}"
        staff.append(
            (
                staff_id,
                organisation,
                email,
                f"{first} {last}",
                phone,
                password_hash,
                roles,
                True,
                now,
            )
        )
        return staff_id

    for org in [region.county, *region.municipalities, *region.ngos]:
        region.admins[org] = person(org, ["admin"])
    referrer_orgs = [region.county, *region.municipalities]
    region.referrers = [
        person(rng.choice(referrer_orgs), ["referrer"])
        for _ in range(max(2, clients // WORKER_CLIENTS))
    ]
    # Dealt out in turn, not drawn: every NGO has the same number of coaches (25) and
    # of groups at every scale, as the outcome report's NGO must (drawn, the NGO it reads
    # had 20 coaches at 50,000 clients and 34 at 500,000).
    region.coaches = [
        person(region.ngos[n % len(region.ngos)], ["coach"]) for n in range(max(2, clients // 100))
    ]
    analysts = [person(region.county, ["analyst"]) for _ in range(3)]
    region.bench_worker = region.referrers[0]
    region.bench_admin = region.admins[region.county]
    region.bench_coach = region.coaches[0]
    await copy_rows(
        conn,
        "staff",
        [
            "id",
            "organisation_id",
            "email",
            "name",
            "phone",
            "password_hash",
            "roles",
            "active",
            "created_at",
        ],
        staff,
    )
    await copy_rows(
        conn,
        "access_tokens",
        ["token_hash", "staff_id", "expires_at"],
        [
            (digest(WORKER_TOKEN), region.bench_worker, now + timedelta(days=365)),
            (digest(ADMIN_TOKEN), region.bench_admin, now + timedelta(days=365)),
            (digest(COACH_TOKEN), region.bench_coach, now + timedelta(days=365)),
            (digest(ANALYST_TOKEN), analysts[0], now + timedelta(days=365)),
        ],
    )


async def generate_clients(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    now = datetime.now(UTC)
    staff_org = {
        row[0]: row[1]
        for row in await conn.fetch("SELECT id::text, organisation_id::text FROM staff")
    }
    rows, workers, consents = [], [], []
    # The benchmark worker carries exactly WORKER_CLIENTS clients; the rest are spread.
    others = region.referrers[1:] or region.referrers
    for n in range(clients):
        client_id = new_id()
        worker = region.bench_worker if n < WORKER_CLIENTS else rng.choice(others)
        female = rng.random() < 0.45
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        last = rng.choice(LAST_NAMES)
        born = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 45))
        status = rng.choices(
            ["long_term_unemployed", "unemployed", "inactive", "employed", "in_education"],
            [45, 25, 20, 5, 5],
        )[0]
        education = rng.choices(["isced_0_2", "isced_3_4", "isced_5_8"], [35, 50, 15])[0]
        language = rng.choices(["fi", "sv", "en"], [88, 6, 6])[0]
        created = now - timedelta(days=rng.randrange(0, 730))
        rows.append(
            (
                client_id,
                staff_org[worker],
                first,
                last,
                born,
                "female" if female else "male",
                rng.choice(MUNICIPALITIES[:40]),
                email_address(first, last, "example.org", n),
                f"+358 50 {rng.randrange(1000000, 9999999)}",
                language,
                rng.random() < 0.2,
                status,
                education,
                worker,
                created,
                created,
            )
        )
        workers.append((client_id, worker, created))
        region.clients.append(client_id)
        region.client_worker[client_id] = worker
        for purpose, share in [
            ("data_sharing", 0.8),
            ("email_reminders", 0.6),
            ("sms_reminders", 0.4),
            ("calendar_feed", 0.3),
        ]:
            if rng.random() < share:
                organisations = rng.sample(region.ngos, 1) if purpose == "data_sharing" else []
                consents.append((new_id(), client_id, purpose, organisations, created, worker))
    await copy_rows(
        conn,
        "clients",
        [
            "id",
            "organisation_id",
            "first_name",
            "last_name",
            "birth_date",
            "gender",
            "home_municipality",
            "email",
            "phone",
            "language",
            "plain_language",
            "labour_market_status",
            "education_level",
            "created_by",
            "created_at",
            "updated_at",
        ],
        rows,
    )
    await copy_rows(conn, "client_workers", ["client_id", "staff_id", "since"], workers)
    await copy_rows(
        conn,
        "consents",
        ["id", "client_id", "purpose", "organisation_ids", "given_at", "recorded_by"],
        consents,
    )


PROGRAMME_COLUMNS = [
    "id", "organisation_id", "title", "first_session_date", "start_time", "duration_minutes",
    "weeks", "timezone", "capacity", "location_name", "location_address", "online_url",
    "skip_public_holidays", "reminder_offsets", "starts_at", "ends_at", "created_by",
    "created_at", "updated_at",
]  # fmt: skip
SESSION_COLUMNS = ["id", "programme_id", "number", "starts_at", "ends_at", "planned_starts_at",
                   "theme", "status", "revision", "updated_at"]  # fmt: skip
ENROLMENT_COLUMNS = ["id", "programme_id", "client_id", "status", "created_at", "enrolled_at",
                     "withdrawn_at", "withdrawal_reason"]  # fmt: skip
START_TIMES = [time(9, 0), time(10, 0), time(12, 30), time(13, 0), time(14, 0)]
# The benchmark coach runs this many groups, full and under way, whose sessions
# the attendance benchmark writes to.
COACH_PROGRAMMES = 100


async def generate_programmes(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    """Eight-week groups, one for every ten clients: from almost three years back to six
    weeks ahead,
    with enrolments and the attendance of every session already held."""
    now = datetime.now(UTC)
    today = now.date()
    programmes, staff, sessions, enrolments, attendance = [], [], [], [], []
    pool = list(region.clients)
    rng.shuffle(pool)
    next_client = 0
    count = max(10, clients // 10)
    for n in range(count):
        programme_id = new_id()
        region.programmes.append(programme_id)
        coach_group = n < min(COACH_PROGRAMMES, count // 5)
        if coach_group:
            first = today - timedelta(days=rng.randrange(8, 50))
            facilitator, capacity, participants = region.bench_coach, 12, 12
        else:
            first = today + timedelta(days=rng.randrange(-1000, 40))
            facilitator = rng.choice(region.coaches)
            capacity = 12
            participants = rng.randint(10, capacity)
        first += timedelta(days=(7 - first.weekday()) % 7 if first.weekday() > 4 else 0)
        planned = plan_sessions(
            first_session_date=first,
            start_time=rng.choice(START_TIMES),
            duration_minutes=120,
            weeks=8,
            timezone="Europe/Helsinki",
            themes=GROUP_THEMES,
        )
        programmes.append(
            (
                programme_id,
                region.ngos[n % len(region.ngos)],
                f"Arjen polku {n}",
                first,
                planned[0].starts_at.astimezone(HELSINKI).time(),
                120,
                8,
                "Europe/Helsinki",
                capacity,
                "Kohtaamispaikka",
                f"Kauppakatu {n % 90 + 1}",
                None,
                True,
                ["P1D", "PT2H"],
                planned[0].starts_at,
                planned[-1].ends_at,
                facilitator,
                now,
                now,
            )
        )
        staff.append((programme_id, facilitator, "facilitator"))
        staff.append((programme_id, rng.choice(region.referrers), "contact"))
        held = []
        for s in planned:
            session_id = new_id()
            sessions.append(
                (
                    session_id,
                    programme_id,
                    s.number,
                    s.starts_at,
                    s.ends_at,
                    s.starts_at,
                    s.theme,
                    "scheduled",
                    0,
                    now,
                )
            )
            if s.starts_at < now:
                held.append(session_id)
        for _ in range(participants):
            client_id = pool[next_client % len(pool)]
            next_client += 1
            withdrawn = not coach_group and rng.random() < 0.1
            enrolled_at = datetime.combine(first, time(8), UTC) - timedelta(days=14)
            enrolments.append(
                (
                    new_id(),
                    programme_id,
                    client_id,
                    "withdrawn" if withdrawn else "enrolled",
                    enrolled_at,
                    enrolled_at,
                    enrolled_at + timedelta(days=30) if withdrawn else None,
                    "moved away" if withdrawn else None,
                )
            )
            for session_id in held:
                status = rng.choices(["present", "remote", "absent", "excused"], [70, 5, 15, 10])[0]
                attendance.append((session_id, client_id, status, facilitator, now))
    await copy_rows(conn, "programmes", PROGRAMME_COLUMNS, programmes)
    await copy_rows(conn, "programme_staff", ["programme_id", "staff_id", "role"], staff)
    await copy_rows(conn, "sessions", SESSION_COLUMNS, sessions)
    await copy_rows(conn, "enrolments", ENROLMENT_COLUMNS, enrolments)
    await copy_rows(
        conn,
        "attendance",
        ["session_id", "client_id", "status", "recorded_by", "recorded_at"],
        attendance,
    )


async def generate_feed_client(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    """A client in five coming groups, with a calendar link: forty events in the feed."""
    now = datetime.now(UTC)
    client_id, worker = new_id(), region.bench_worker
    organisation = await conn.fetchval(
        "SELECT organisation_id::text FROM staff WHERE id = $1", worker
    )
    await copy_rows(
        conn,
        "clients",
        ["id", "organisation_id", "first_name", "last_name", "email", "language", "created_by"],
        [(client_id, organisation, "Kalle", "Kalenteri", "kalle@example.org", "fi", worker)],
    )
    await copy_rows(conn, "client_workers", ["client_id", "staff_id"], [(client_id, worker)])
    await copy_rows(
        conn,
        "consents",
        ["id", "client_id", "purpose", "recorded_by"],
        [
            (new_id(), client_id, purpose, worker)
            for purpose in ("calendar_feed", "email_reminders")
        ],
    )
    programmes, staff, sessions, enrolments = [], [], [], []
    for n in range(FEED_PROGRAMMES):
        programme_id = new_id()
        first = now.date() + timedelta(days=7 + n)
        planned = plan_sessions(
            first_session_date=first,
            start_time=START_TIMES[n],
            duration_minutes=90,
            weeks=8,
            timezone="Europe/Helsinki",
        )
        programmes.append(
            (
                programme_id,
                rng.choice(region.ngos),
                f"Polkuryhmä {n + 1}",
                first,
                START_TIMES[n],
                90,
                8,
                "Europe/Helsinki",
                12,
                "Kohtaamispaikka",
                "Kauppakatu 1",
                "https://meet.example/polku",
                True,
                ["P1D", "PT2H"],
                planned[0].starts_at,
                planned[-1].ends_at,
                region.bench_coach,
                now,
                now,
            )
        )
        staff.append((programme_id, region.bench_coach, "facilitator"))
        sessions += [
            (
                new_id(),
                programme_id,
                s.number,
                s.starts_at,
                s.ends_at,
                s.starts_at,
                None,
                "scheduled",
                0,
                now,
            )
            for s in planned
        ]
        enrolments.append((new_id(), programme_id, client_id, "enrolled", now, now, None, None))
    await copy_rows(conn, "programmes", PROGRAMME_COLUMNS, programmes)
    await copy_rows(conn, "programme_staff", ["programme_id", "staff_id", "role"], staff)
    await copy_rows(conn, "sessions", SESSION_COLUMNS, sessions)
    await copy_rows(conn, "enrolments", ENROLMENT_COLUMNS, enrolments)
    await copy_rows(
        conn,
        "calendar_feeds",
        ["token_hash", "client_id", "created_by"],
        [(digest(FEED_TOKEN), client_id, worker)],
    )


# Each client working with another organisation (in its group or with its coach) has
# the data-sharing consent that the referral gate asks for, as it would in real use.
_SHARING_CONSENTS = """
INSERT INTO consents (id, client_id, purpose, organisation_ids, given_at, recorded_by)
SELECT gen_random_uuid(), c.id, 'data_sharing', array_agg(DISTINCT w.organisation_id),
       min(w.since) - interval '1 day', c.created_by
FROM (
    SELECT e.client_id, p.organisation_id, e.enrolled_at AS since
    FROM enrolments e JOIN programmes p ON p.id = e.programme_id
    UNION ALL
    SELECT p.client_id, s.organisation_id, p.created_at
    FROM plans p JOIN plan_coaches pc ON pc.plan_id = p.id JOIN staff s ON s.id = pc.staff_id
) w
JOIN clients c ON c.id = w.client_id AND c.organisation_id <> w.organisation_id
GROUP BY c.id, c.created_by
"""


async def generate_sharing_consents(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    await conn.execute(_SHARING_CONSENTS)


async def generate_audit_months(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    # The audit trail's months of the last two years (migration 0040 makes only this
    # month and three ahead): the export's client and bench.audit_trail write reads of
    # the past.
    await conn.execute(
        "SELECT create_audit_months((now() - interval '2 years')::date, current_date)"
    )


async def generate_open_paths(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    # Loaded as above, the rows bypassed the triggers that keep each client's waits
    # (migration 0039): one pass over every client, as the migration does. Planned
    # without statistics of the fresh tables, that pass read whole tables per client
    # (50,000 clients: 515 s instead of 3).
    await conn.execute("ANALYZE")
    await conn.execute("SELECT refresh_open_paths(ARRAY(SELECT id FROM clients))")


GENERATORS = [
    generate_audit_months,
    generate_accounts,
    generate_clients,
    generate_programmes,
    generate_feed_client,
    generate_page_client,
    generate_coaching,
    generate_sharing_consents,
    generate_referrals,
    generate_activity,
    generate_support,
    generate_questionnaires,
    generate_worklist_coach,  # after the groups and plans it joins
    generate_open_paths,  # last: reads what the others wrote
]


async def generate(conn: asyncpg.Connection, clients: int, seed: int = 2026) -> Region:
    """Fill an empty, migrated database; returns what was made."""
    rng = random.Random(seed)
    seed_ids(seed)
    region = Region()
    async with conn.transaction():
        # The rows are consistent by construction: a superuser loads them without the
        # per-row foreign-key checks and triggers, which otherwise cost more than COPY.
        if await conn.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"):
            await conn.execute("SET LOCAL session_replication_role = replica")
        for generator in GENERATORS:
            started = monotonic()
            await generator(conn, rng, clients, region)
            print(f"  {generator.__name__:<24} {monotonic() - started:6.1f} s", flush=True)
    await conn.execute("ANALYZE")
    return region


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("database_url")
    parser.add_argument("--clients", type=int, default=50_000)
    args = parser.parse_args()

    async def run() -> None:
        conn = await asyncpg.connect(args.database_url)
        try:
            await generate(conn, args.clients)
        finally:
            await conn.close()

    asyncio.run(run())


if __name__ == "__main__":
    main()
