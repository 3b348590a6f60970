"""`polku dev --demo`: a small, realistic organisation to click through.

A wellbeing county refers clients to a group run by an NGO's coaches. Every
name is invented; running it again changes nothing and prints the same logins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from service.accounts import service as accounts
from service.accounts.auth import Actor
from service.accounts.auth import queries as accounts_queries
from service.accounts.types import Role
from service.calendar import feeds
from service.clients import service as clients
from service.clients.types import ClientIn, ConsentIn
from service.clock import HELSINKI
from service.coaching import assessments, meetings, plans
from service.coaching.instruments import shipped
from service.coaching.types import AssessmentIn, GoalIn, GoalLevels, MeetingIn, PlanIn, RatingIn
from service.programmes import enrolment
from service.programmes import service as programmes
from service.programmes.types import Location, ProgrammeIn
from service.settings import Settings

DEMO_PASSWORD = "polku-demo-2026"
COUNTY = "Järvimaan hyvinvointialue (demo)"
NGO = "Askel ry (demo)"

STAFF: list[tuple[str, str, str, list[Role], str]] = [
    # organisation, e-mail, name, roles, phone
    (COUNTY, "admin@jarvimaa.example", "Riikka Admin", ["admin"], "+358 40 100 0001"),
    (COUNTY, "sanna.virtanen@jarvimaa.example", "Sanna Virtanen", ["referrer"], "+358 40 100 0002"),
    (NGO, "aino.lahtinen@askel.example", "Aino Lahtinen", ["coach"], "+358 40 200 0001"),
    (NGO, "mikko.korhonen@askel.example", "Mikko Korhonen", ["coach"], "+358 40 200 0002"),
    (COUNTY, "raportit@jarvimaa.example", "Pekka Analyytikko", ["analyst"], "+358 40 100 0003"),
]

THEMES = [
    "Tutustuminen",
    "Terveys ja arki",
    "Vapaa-aika",
    "Vahvuudet",
    "Työelämävierailu",
    "CV",
    "Tulevaisuuden suunnitelmat",
    "Päätös",
]
CLIENTS = [
    ("Jari", "Mäkinen", date(1984, 5, 17), "male", "long_term_unemployed", "isced_3_4", "fi"),
    ("Laura", "Heikkinen", date(1991, 11, 2), "female", "inactive", "isced_0_2", "fi"),
    ("Elias", "Lindqvist", date(1998, 2, 23), "male", "unemployed", "isced_3_4", "sv"),
    ("Noora", "Salminen", date(1979, 8, 9), "female", "long_term_unemployed", "isced_5_8", "fi"),
]


@dataclass
class Demo:
    logins: list[tuple[str, str, str]]  # (role, e-mail, password)
    feeds: list[tuple[str, str]]  # (whose, link)


def _actor(user: Any) -> Actor:
    """An Actor from a staff row or a UserOut."""
    fields = dict(user) if isinstance(user, asyncpg.Record) else msgspec.structs.asdict(user)
    return Actor(
        id=fields["id"],
        organisation_id=fields["organisation_id"],
        email=fields["email"],
        name=fields["name"],
        roles=frozenset(fields["roles"]),
    )


async def seed_demo(conn: asyncpg.Connection, settings: Settings) -> Demo:
    """Create the demo once; every run hands out fresh calendar links (only digests are
    stored, so earlier links cannot be shown again)."""
    logins = [(str(roles[0]), email, DEMO_PASSWORD) for _, email, _, roles, _ in STAFF]
    async with conn.transaction():
        if await accounts_queries.organisation_by_name(conn, name=COUNTY) is None:
            await _create(conn)
        coach = _actor(await conn.fetchrow(STAFF_BY_EMAIL, COACH))
        client_id = await conn.fetchval(DEMO_CLIENT, FEED_CLIENT[0], FEED_CLIENT[1])
        client_feed = await feeds.client_feed(conn, settings, coach, client_id)
        coach_feed = await feeds.staff_feed(conn, settings, coach)
    return Demo(
        logins=logins,
        feeds=[
            (f"{FEED_CLIENT[0]} {FEED_CLIENT[1]}", client_feed.url),
            ("Aino Lahtinen (coach)", coach_feed.url),
        ],
    )


STAFF_BY_EMAIL = "SELECT id, organisation_id, email, name, roles FROM staff WHERE email = $1"
DEMO_CLIENT = "SELECT id FROM clients WHERE first_name = $1 AND last_name = $2"
COACH = "aino.lahtinen@askel.example"
WORKER = "sanna.virtanen@jarvimaa.example"
FEED_CLIENT = ("Jari", "Mäkinen")
GOALS = [
    (
        "Päivärytmi",
        2.0,
        (
            "Herää iltapäivällä, ei aamuohjelmaa",
            "Herää kymmeneltä kahtena aamuna viikossa",
            "Herää yhdeksältä arkiaamuisin",
            "Herää kahdeksalta ja syö aamupalan arkiaamuisin",
            "Aamurutiini joka päivä, myös viikonloppuisin",
        ),
    ),
    (
        "Työkokeilu",
        1.0,
        (
            "Ei tiedä, millainen työ kiinnostaisi",
            "Tietää kaksi kiinnostavaa alaa",
            "Käy tutustumassa yhteen työpaikkaan",
            "Hakee työkokeilupaikkaa",
            "Aloittaa työkokeilun",
        ),
    ),
]


async def _create(conn: asyncpg.Connection) -> None:
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
        people[email] = _actor(user)
    worker, coach = people[WORKER], people[COACH]
    today = date.today()
    programme = await programmes.create_programme(
        conn,
        coach,
        ProgrammeIn(
            title="Arjen taidot",
            organisation_id=ngo.id,
            first_session_date=today + timedelta(days=(3 - today.weekday()) % 7 + 7),
            start_time="10:00",
            duration_minutes=120,
            capacity=10,
            location=Location(name="Askeleen olohuone", address="Kauppakatu 12, Järvilä"),
            facilitator_ids=[coach.id, people["mikko.korhonen@askel.example"].id],
            contact_ids=[worker.id],
            session_themes=THEMES,
        ),
    )
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
        for consent in (
            ConsentIn(
                purpose="data_sharing",
                organisation_ids=[ngo.id],
                valid_until=today + timedelta(days=365),
            ),
            ConsentIn(purpose="email_reminders"),
            ConsentIn(purpose="calendar_feed"),
        ):
            await clients.give_consent(conn, worker, client.id, consent)
        await enrolment.enrol(conn, worker, programme.id, client.id)
        if (first, last) == FEED_CLIENT:
            await _coaching(conn, coach, client.id, today)


async def _coaching(conn: asyncpg.Connection, coach: Actor, client_id: str, today: date) -> None:
    """A goal-coaching plan with two goals, a first rating, a self-assessment and a
    meeting next week."""
    plan = await plans.create_plan(
        conn,
        coach,
        client_id,
        PlanIn(kind="goal_coaching", coach_ids=[coach.id], starts_on=today - timedelta(days=14)),
    )
    for title, weight, levels in GOALS:
        goal = await plans.add_goal(
            conn,
            coach,
            plan.id,
            GoalIn(title=title, baseline=-1, weight=weight, levels=GoalLevels(*levels)),
        )
        await plans.rate_goal(
            conn, coach, goal.id, RatingIn(level=0, rated_on=today - timedelta(days=1))
        )
    await assessments.install_shipped(conn)
    work_ability = next(i for i in shipped() if i.key == "work_ability")
    await assessments.record_assessment(
        conn,
        coach,
        client_id,
        AssessmentIn(
            instrument="work_ability",
            assessed_on=today - timedelta(days=14),
            answers={item.key: 5 if item.domain == "overall" else 3 for item in work_ability.items},
        ),
    )
    monday = today + timedelta(days=7 - today.weekday())
    starts_at = datetime.combine(monday, time(13, 0), HELSINKI)
    await meetings.create_meeting(
        conn,
        coach,
        plan.id,
        MeetingIn(
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=1),
            location=Location(name="Askeleen olohuone", address="Kauppakatu 12, Järvilä"),
        ),
    )
