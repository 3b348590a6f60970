"""`polku dev --demo`: a small, realistic organisation to click through.

A wellbeing county refers clients to a group run by an NGO's coaches. Every
name is invented; running it again changes nothing and prints the same logins.
"""

from __future__ import annotations

from datetime import date, timedelta

import asyncpg

from service.accounts import service as accounts
from service.accounts.auth import Actor
from service.accounts.auth import queries as accounts_queries
from service.accounts.types import Role
from service.clients import service as clients
from service.clients.types import ClientIn, ConsentIn

DEMO_PASSWORD = "polku-demo-2026"
COUNTY = "Järvimaan hyvinvointialue (demo)"
NGO = "Askel ry (demo)"

STAFF: list[tuple[str, str, str, list[Role], str]] = [
    # organisation, e-mail, name, roles, phone
    (COUNTY, "admin@jarvimaa.example", "Riikka Admin", ["admin"], "+358 40 100 0001"),
    (COUNTY, "sanna.virtanen@jarvimaa.example", "Sanna Virtanen", ["referrer"], "+358 40 100 0002"),
    (NGO, "aino.lahtinen@askel.example", "Aino Lahtinen", ["coach"], "+358 40 200 0001"),
    (NGO, "mikko.korhonen@askel.example", "Mikko Korhonen", ["coach"], "+358 40 200 0002"),
]

CLIENTS = [
    ("Jari", "Mäkinen", date(1984, 5, 17), "male", "long_term_unemployed", "isced_3_4", "fi"),
    ("Laura", "Heikkinen", date(1991, 11, 2), "female", "inactive", "isced_0_2", "fi"),
    ("Elias", "Lindqvist", date(1998, 2, 23), "male", "unemployed", "isced_3_4", "sv"),
    ("Noora", "Salminen", date(1979, 8, 9), "female", "long_term_unemployed", "isced_5_8", "fi"),
]


async def seed_demo(conn: asyncpg.Connection) -> list[tuple[str, str, str]]:
    """Create the demo once; return (role, e-mail, password) for each login."""
    logins = [(str(roles[0]), email, DEMO_PASSWORD) for _, email, _, roles, _ in STAFF]
    async with conn.transaction():
        if await accounts_queries.organisation_by_name(conn, name=COUNTY) is not None:
            return logins
        county = await accounts.find_or_create_organisation(conn, COUNTY, "wellbeing_county")
        ngo = await accounts.find_or_create_organisation(conn, NGO, "ngo", managed_by=county.id)
        organisations = {COUNTY: county.id, NGO: ngo.id}
        people = {}
        for organisation, email, name, roles, phone in STAFF:
            user = await accounts.create_staff(
                conn,
                organisation_id=organisations[organisation],
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                roles=roles,
                phone=phone,
            )
            people[email] = Actor(
                id=user.id,
                organisation_id=user.organisation_id,
                email=user.email,
                name=user.name,
                roles=frozenset(user.roles),
            )
        worker = people["sanna.virtanen@jarvimaa.example"]
        for first, last, born, gender, status, education, language in CLIENTS:
            client = await clients.create_client(
                conn,
                worker,
                ClientIn(
                    first_name=first,
                    last_name=last,
                    birth_date=born,
                    gender=gender,  # type: ignore[arg-type]
                    home_municipality="Järvilä",
                    email=f"{first.lower()}.{last.lower()}@example.org".replace("ä", "a"),
                    phone="+358 50 555 0100",
                    language=language,  # type: ignore[arg-type]
                    plain_language=first == "Laura",
                    labour_market_status=status,  # type: ignore[arg-type]
                    education_level=education,  # type: ignore[arg-type]
                ),
            )
            await clients.give_consent(
                conn,
                worker,
                client.id,
                ConsentIn(
                    purpose="data_sharing",
                    organisation_ids=[ngo.id],
                    valid_until=date.today() + timedelta(days=365),
                ),
            )
            await clients.give_consent(
                conn, worker, client.id, ConsentIn(purpose="email_reminders")
            )
    return logins
