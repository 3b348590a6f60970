"""`polku dev --demo`: a small, realistic organisation to click through.

A wellbeing county refers clients to groups run by an NGO's coaches and to services in
the catalogue. Everything is placed relative to today, whatever day the demo runs:

* "Askeleita työelämään" ended some weeks ago: eight clients who came by referral,
  attendance, coaching plans with rated goals, two self-assessments each, feedback and,
  for most, a continuation plan — enough people that the outcome report shows figures.
* "Voimaa arkeen" started about four weeks ago and meets weekly: six referred clients,
  attendance on every session held so far, one client absent twice in a row.
* "Arjen taidot" starts in a week or two: four clients, one with a coaching plan.
* Three catalogue services (HSDS-shaped) and referrals to them in several states, one
  unanswered for longer than five working days.

Records are made through the domain services (so consent, audit and the outbox hold),
then their timestamps are moved to the plausible past moments they stand for: the
whole seed is one transaction, in which every `now()` is the same instant.

Every name is invented; running it again changes nothing but the calendar links.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from service.accounts import organisations, staff
from service.accounts.sql import queries as accounts_queries
from service.accounts.types import Role
from service.base import clock
from service.base.clock import HELSINKI, latest_start_before, today_in_finland
from service.base.fields import Location
from service.base.identity import Actor
from service.base.settings import Settings
from service.clients import consents, records
from service.clients.types import ClientIn, ConsentIn
from service.coaching import assessments, meetings, plans
from service.coaching.instruments import shipped
from service.coaching.types import (
    AssessmentIn,
    ContinuationIn,
    GoalIn,
    GoalLevels,
    MeetingIn,
    PlanIn,
    RatingIn,
)
from service.composers import attendance
from service.composers.feeds import links as feeds
from service.programmes import enrolment, feedback, programmes
from service.programmes.types import (
    AttendanceIn,
    AttendanceRecordIn,
    AttendanceStatus,
    FeedbackIn,
    ProgrammeIn,
    ProgrammeOut,
)
from service.referrals import catalogue, referrals
from service.referrals.imported import ImportedService
from service.referrals.lifecycle import Status
from service.referrals.types import Contact, ReferralIn, ServiceLocation, StatusIn

DEMO_PASSWORD = "polku-demo-2026"
COUNTY = "Järvimaan hyvinvointialue (demo)"
NGO = "Askel ry (demo)"
DEBT_ADVICE = "Järvimaan talous- ja velkaneuvonta (demo)"

STAFF: list[tuple[str, str, str, list[Role], str]] = [
    # organisation, e-mail, name, roles, phone
    (COUNTY, "admin@jarvimaa.example", "Riikka Admin", ["admin"], "+358 40 100 0001"),
    (COUNTY, "sanna.virtanen@jarvimaa.example", "Sanna Virtanen", ["referrer"], "+358 40 100 0002"),
    (NGO, "aino.lahtinen@askel.example", "Aino Lahtinen", ["coach"], "+358 40 200 0001"),
    (NGO, "mikko.korhonen@askel.example", "Mikko Korhonen", ["coach"], "+358 40 200 0002"),
    (COUNTY, "raportit@jarvimaa.example", "Pekka Analyytikko", ["analyst"], "+358 40 100 0003"),
]
ADMIN = "admin@jarvimaa.example"
COACH = "aino.lahtinen@askel.example"
SECOND_COACH = "mikko.korhonen@askel.example"
WORKER = "sanna.virtanen@jarvimaa.example"
FEED_CLIENT = ("Jari", "Mäkinen")

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
OLOHUONE = Location(name="Askeleen olohuone", address="Kauppakatu 12, Järvilä")


@dataclass(frozen=True)
class Person:
    first: str
    last: str
    born: date
    gender: str
    status: str  # labour-market status
    education: str
    language: str = "fi"


# The upcoming group: enrolled by the worker, who is its contact.
UPCOMING = [
    Person("Jari", "Mäkinen", date(1984, 5, 17), "male", "long_term_unemployed", "isced_3_4"),
    Person("Laura", "Heikkinen", date(1991, 11, 2), "female", "inactive", "isced_0_2"),
    Person("Elias", "Lindqvist", date(1998, 2, 23), "male", "unemployed", "isced_3_4", "sv"),
    Person("Noora", "Salminen", date(1979, 8, 9), "female", "long_term_unemployed", "isced_5_8"),
]
# The running group, by referral. Oskari misses the last two sessions; Mikael waits
# for debt advice; Oskari is also referred to the substance-abuse clinic. Those two
# did not want e-mail reminders.
RUNNING = [
    Person("Antti", "Koskinen", date(1987, 3, 14), "male", "long_term_unemployed", "isced_3_4"),
    Person("Sofia", "Järvinen", date(1995, 7, 30), "female", "inactive", "isced_3_4"),
    Person("Mikael", "Nieminen", date(1976, 1, 5), "male", "long_term_unemployed", "isced_0_2"),
    Person("Emma", "Hämäläinen", date(2000, 10, 12), "female", "unemployed", "isced_3_4"),
    Person("Oskari", "Laine", date(1983, 6, 21), "male", "long_term_unemployed", "isced_0_2"),
    Person("Tiina", "Rantanen", date(1990, 12, 1), "female", "inactive", "isced_5_8", "sv"),
]
# The completed group, by referral; each with a goal-coaching plan. They kept in touch
# by phone: no e-mail consent (and so no e-mail now about a series long over).
COMPLETED = [
    Person("Ville", "Kinnunen", date(1985, 4, 2), "male", "long_term_unemployed", "isced_3_4"),
    Person("Hanna", "Leppänen", date(1993, 9, 18), "female", "unemployed", "isced_3_4"),
    Person("Petri", "Heinonen", date(1972, 2, 11), "male", "long_term_unemployed", "isced_0_2"),
    Person("Sari", "Turunen", date(1981, 8, 25), "female", "inactive", "isced_0_2"),
    Person("Juho", "Ahonen", date(1997, 5, 7), "male", "unemployed", "isced_3_4"),
    Person("Katja", "Saarinen", date(1988, 11, 29), "female", "inactive", "isced_5_8"),
    Person("Markus", "Niemi", date(1979, 3, 3), "male", "long_term_unemployed", "isced_3_4"),
    Person("Eveliina", "Mattila", date(1999, 1, 16), "female", "unemployed", "isced_0_2", "sv"),
]
# Each completed-group client's goal, levels at mid-point and at the end, and next step
# (None: no continuation plan yet).
COMPLETED_PATHS: list[tuple[int, int, int, tuple[str, str] | None]] = [
    # goal (index in GOALS), mid level, end level, (next step, description)
    (1, 0, 1, ("work_trial", "Työkokeilu Askeleen kierrätyskeskuksessa")),
    (1, -1, 0, ("work_trial", "Työkokeilu kierrätyskeskuksessa, kun paikka vapautuu")),
    (0, -1, -1, None),  # Petri: the work trial said no; nothing else planned yet
    (0, -1, 0, None),  # Sari: nothing planned
    (1, 0, 1, ("education", "Puhdistuspalvelualan perustutkinto, haku keväällä")),
    (0, 0, 2, ("employment", "Osa-aikatyö kaupan alalla, 20 h viikossa")),
    (0, 0, 1, ("rehabilitation", "Kuntoutuskurssi Kelan kautta")),
    (1, 0, 1, ("education", "Valmentava koulutus (TUVA) syksyllä")),
]

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

SERVICES = [
    ImportedService(
        external_id="demo-talous-ja-velkaneuvonta",
        organisation_name=DEBT_ADVICE,
        name="Talous- ja velkaneuvonta",
        description="Maksutonta neuvontaa velkojen järjestelyyn, budjetointiin ja "
        "velkajärjestelyn hakemiseen.",
        categories=["talous", "velat", "neuvonta"],
        eligibility="Järvimaan asukkaat, joilla on velka- tai maksuvaikeuksia",
        contact=Contact(name="Neuvonnan ajanvaraus", phone="+358 29 566 0001"),
        location=ServiceLocation(
            name="Oikeustalo", address="Raatihuoneenkatu 3, Järvilä", municipality="Järvilä"
        ),
        schedule="ma–to 9–15, ajanvarauksella",
        email="velkaneuvonta@jarvimaa.example",
        phone="+358 29 566 0001",
    ),
    ImportedService(
        external_id="demo-paihdepoliklinikka",
        organisation_name=COUNTY,
        name="Päihdepoliklinikka",
        description="Päihde- ja riippuvuushoidon avopalvelu: arviointi, "
        "vieroitus avohoidossa, yksilö- ja ryhmätapaamiset.",
        categories=["päihteet", "terveys", "avohoito"],
        eligibility="Täysi-ikäiset Järvimaan asukkaat; ei lähetettä lääkäriltä",
        contact=Contact(name="Sairaanhoitaja, päivystävä", phone="+358 40 100 0900"),
        location=ServiceLocation(
            name="Terveyskeskus, B-siipi", address="Sairaalantie 5, Järvilä", municipality="Järvilä"
        ),
        schedule="ma–pe 8–16",
        phone="+358 40 100 0900",
    ),
    ImportedService(
        external_id="demo-tyokokeilu-kierratyskeskus",
        organisation_name=NGO,
        name="Työkokeilu Askeleen kierrätyskeskuksessa",
        description="1–6 kuukauden työkokeilu kierrätyskeskuksen myymälässä, "
        "lajittelussa ja korjauspajassa työhönvalmentajan tuella.",
        categories=["työllisyys", "työkokeilu"],
        eligibility="Työttömät työnhakijat, joilla on TE-palveluiden tai sosiaalityön tuki",
        contact=Contact(name="Mikko Korhonen", title="työhönvalmentaja", email=SECOND_COACH),
        location=ServiceLocation(
            name="Askeleen kierrätyskeskus", address="Teollisuustie 8, Järvilä"
        ),
        schedule="ma–pe 8–14",
        email="tyokokeilu@askel.example",
    ),
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
    stored, so earlier links cannot be shown again and stop working)."""
    logins = [(str(roles[0]), email, DEMO_PASSWORD) for _, email, _, roles, _ in STAFF]
    async with conn.transaction():
        if await accounts_queries.organisation_by_name(conn, name=COUNTY) is None:
            await _Seed(conn).create()
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


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    """A Finnish wall-clock moment."""
    return datetime.combine(day, time(hour, minute), HELSINKI)


def _on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _answers(base: int, overall: int) -> dict[str, int]:
    """Work-ability self-assessment answers: every 1–5 item at `base`, the 0–10 overall
    item at `overall`."""
    instrument = next(i for i in shipped() if i.key == "work_ability")
    return {item.key: overall if item.domain == "overall" else base for item in instrument.items}


# Moving what was just written to the moment it stands for.
BACKDATE_CLIENT = "UPDATE clients SET created_at = $2, updated_at = $2 WHERE id = $1"
BACKDATE_CONSENTS = "UPDATE consents SET given_at = $2 WHERE client_id = $1"
BACKDATE_PROGRAMME = "UPDATE programmes SET created_at = $2, updated_at = $2 WHERE id = $1"
BACKDATE_ENROLMENT = "UPDATE enrolments SET created_at = $2, enrolled_at = $2 WHERE id = $1"
BACKDATE_REQUEST = """
    WITH r AS (UPDATE referrals SET created_at = $2, updated_at = $2 WHERE id = $1)
    UPDATE referral_events SET at = $2 WHERE referral_id = $1 AND to_status = 'requested'
"""
# A status change: its event, its notice to the referrer, and the referral's own times.
BACKDATE_MOVE = """
    WITH e AS (
        UPDATE referral_events SET at = $2
        WHERE referral_id = $1 AND to_status = $3 RETURNING id
    ), n AS (
        UPDATE referral_notices SET created_at = $2 WHERE event_id IN (SELECT id FROM e)
    )
    UPDATE referrals SET
        updated_at = $2,
        answered_at = CASE WHEN $3 IN ('accepted', 'rejected') THEN $2 ELSE answered_at END,
        accepted_at = CASE WHEN $3 = 'accepted' THEN $2 ELSE accepted_at END,
        started_at = CASE WHEN $3 = 'in-progress' THEN $2 ELSE started_at END,
        ended_at = CASE WHEN $3 IN ('rejected', 'completed', 'cancelled', 'failed') THEN $2
                        ELSE ended_at END
    WHERE id = $1
"""
# Attendance of a session: recorded after it, and what it set off (referrals that
# became in progress, a flag for repeated absence) at the same moment.
BACKDATE_ATTENDANCE = """
    WITH a AS (UPDATE attendance SET recorded_at = $2 WHERE session_id = $1),
    e AS (
        UPDATE referral_events SET at = $2
        WHERE at = now() AND to_status = 'in-progress' RETURNING id, referral_id
    ), n AS (
        UPDATE referral_notices SET created_at = $2 WHERE event_id IN (SELECT id FROM e)
    ), f AS (UPDATE attention_flags SET created_at = $2 WHERE created_at = now())
    UPDATE referrals SET started_at = $2, updated_at = $2
    WHERE id IN (SELECT referral_id FROM e)
"""
BACKDATE_PLAN = """
    WITH g AS (UPDATE goals SET created_at = $2, updated_at = $2 WHERE plan_id = $1)
    UPDATE plans SET created_at = $2, updated_at = $2 WHERE id = $1
"""
BACKDATE_RATING = "UPDATE goal_ratings SET created_at = $2 WHERE id = $1"
BACKDATE_ASSESSMENT = "UPDATE assessments SET created_at = $2 WHERE id = $1"
BACKDATE_CONTINUATION = "UPDATE continuation_plans SET updated_at = $2 WHERE plan_id = $1"
BACKDATE_FEEDBACK = "UPDATE programme_feedback SET recorded_at = $2 WHERE enrolment_id = $1"


class _Seed:
    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.today = today_in_finland()
        self.now = clock.now()
        self.people: dict[str, Actor] = {}
        self.organisations: dict[str, str] = {}
        self.services: dict[str, str] = {}

    def _past(self, moment: datetime) -> datetime:
        """Never later than a minute ago, whatever the calendar made of it."""
        return min(moment, self.now - timedelta(minutes=1))

    async def create(self) -> None:
        conn = self.conn
        county = await organisations.find_or_create_organisation(conn, COUNTY, "wellbeing_county")
        ngo = await organisations.find_or_create_organisation(
            conn, NGO, "ngo", managed_by=county.id
        )
        self.organisations = {COUNTY: county.id, NGO: ngo.id}
        for organisation, email, name, roles, phone in STAFF:
            user = await staff.create_staff(
                conn,
                organisation_id=self.organisations[organisation],
                email=email,
                name=name,
                password=DEMO_PASSWORD,
                roles=roles,
                phone=phone,
            )
            self.people[email] = _actor(user)
        await catalogue.import_services(conn, SERVICES)
        for row in await conn.fetch(
            "SELECT s.id, s.external_id, s.organisation_id FROM services s "
            "WHERE s.external_id = ANY ($1::text[])",
            [service.external_id for service in SERVICES],
        ):
            self.services[row["external_id"]] = row["id"]
            if row["external_id"] == "demo-talous-ja-velkaneuvonta":
                self.organisations[DEBT_ADVICE] = row["organisation_id"]
        await assessments.install_shipped(conn)
        await self._completed_group()
        await self._running_group()
        await self._upcoming_group()

    # People ------------------------------------------------------------------------

    async def _client(
        self, person: Person, created: datetime, *, shares_with: list[str], email_reminders: bool
    ) -> str:
        """A client record by the worker, with the consents their data needs."""
        worker = self.people[WORKER]
        client = await records.create_client(
            self.conn,
            worker,
            ClientIn(
                first_name=person.first,
                last_name=person.last,
                birth_date=person.born,
                gender=person.gender,  # type: ignore[arg-type]
                home_municipality="Järvilä",
                email=_email(person),
                phone="+358 50 555 0100",
                language=person.language,  # type: ignore[arg-type]
                plain_language=person.first in {"Laura", "Oskari", "Sari"},
                labour_market_status=person.status,  # type: ignore[arg-type]
                education_level=person.education,  # type: ignore[arg-type]
            ),
        )
        given = [
            ConsentIn(
                purpose="data_sharing",
                organisation_ids=[self.organisations[name] for name in shares_with],
                valid_until=self.today + timedelta(days=365),
            ),
            ConsentIn(purpose="calendar_feed"),
        ]
        if email_reminders:
            given.append(ConsentIn(purpose="email_reminders"))
        for consent in given:
            await consents.give_consent(self.conn, worker, client.id, consent)
        await self.conn.execute(BACKDATE_CLIENT, client.id, created)
        await self.conn.execute(BACKDATE_CONSENTS, client.id, created + timedelta(minutes=20))
        return client.id

    # Referrals ---------------------------------------------------------------------

    async def _refer(
        self,
        client_id: str,
        at: datetime,
        reason: str,
        *,
        programme_id: str = "",
        service: str = "",
    ) -> str:
        referral = await referrals.create_referral(
            self.conn,
            self.people[WORKER],
            ReferralIn(
                client_id=client_id,
                reason=reason,
                programme_id=programme_id or None,
                service_id=self.services[service] if service else None,
            ),
        )
        await self.conn.execute(BACKDATE_REQUEST, referral.id, at)
        return referral.id

    async def _move(
        self, who: str, referral_id: str, status: Status, at: datetime, reason: str | None = None
    ) -> None:
        await referrals.change_status(
            self.conn, self.people[who], referral_id, StatusIn(status=status, reason=reason)
        )
        await self.conn.execute(BACKDATE_MOVE, referral_id, at, status)

    async def _accepted_into(
        self, programme: ProgrammeOut, client_id: str, requested: datetime
    ) -> str:
        """Referred by the worker, acknowledged the next day and accepted two days later
        by the coach: a place in the group. Returns the enrolment."""
        referral_id = await self._refer(
            client_id,
            requested,
            "Arjen rytmi, vertaistuki ja askel kohti työelämää",
            programme_id=programme.id,
        )
        await self._move(COACH, referral_id, "received", requested + timedelta(days=1))
        accepted = requested + timedelta(days=3, hours=4)
        await self._move(COACH, referral_id, "accepted", accepted)
        enrolment_id: str = await self.conn.fetchval(
            "SELECT enrolment_id FROM referrals WHERE id = $1", referral_id
        )
        await self.conn.execute(BACKDATE_ENROLMENT, enrolment_id, accepted)
        return enrolment_id

    # Groups ------------------------------------------------------------------------

    async def _programme(
        self, title: str, first: date, hour: int, created: datetime, description: str
    ) -> ProgrammeOut:
        programme = await programmes.create_programme(
            self.conn,
            self.people[COACH],
            ProgrammeIn(
                title=title,
                description=description,
                organisation_id=self.organisations[NGO],
                first_session_date=first,
                start_time=f"{hour:02d}:00",
                duration_minutes=120,
                capacity=10,
                location=OLOHUONE,
                facilitator_ids=[self.people[COACH].id, self.people[SECOND_COACH].id],
                contact_ids=[self.people[WORKER].id],
                session_themes=THEMES,
            ),
        )
        await self.conn.execute(BACKDATE_PROGRAMME, programme.id, created)
        return programme

    async def _attendance(self, session: Any, statuses: dict[str, AttendanceStatus]) -> None:
        await attendance.record(
            self.conn,
            self.people[COACH],
            session.id,
            AttendanceIn(records=[AttendanceRecordIn(c, s) for c, s in statuses.items()]),
        )
        recorded = self._past(session.ends_at + timedelta(minutes=30))
        await self.conn.execute(BACKDATE_ATTENDANCE, session.id, recorded)

    async def _completed_group(self) -> None:
        """Eight weeks on Wednesdays, over about five weeks ago."""
        first = _on_or_before(self.today - timedelta(weeks=12), 2)
        programme = await self._programme(
            "Askeleita työelämään",
            first,
            10,
            _at(first - timedelta(days=45), 13),
            "Kahdeksan viikon ryhmä työelämään palaamisen tueksi.",
        )
        # The group was taken in before it began: until then it had not ended. The
        # same transaction puts its end back where the sessions put it.
        await self.conn.execute(
            "UPDATE programmes SET ends_at = now() + interval '1 day' WHERE id = $1",
            programme.id,
        )
        enrolments = {}
        for number, person in enumerate(COMPLETED):
            created = _at(first - timedelta(days=40 - number), 9, 15 + number * 5)
            client_id = await self._client(
                person, created, shares_with=[NGO], email_reminders=False
            )
            requested = _at(first - timedelta(days=35 - number), 10, 30)
            enrolments[client_id] = await self._accepted_into(programme, client_id, requested)
        await self.conn.execute(
            "UPDATE programmes SET ends_at = $2 WHERE id = $1", programme.id, programme.ends_at
        )
        ids = list(enrolments)
        held = [s for s in programme.sessions if s.starts_at <= self.now]
        for index, session in enumerate(held):
            statuses: dict[str, AttendanceStatus] = dict.fromkeys(ids, "present")
            if index == 2:
                statuses[ids[3]] = "absent"  # Sari, once
            if index == 4:
                statuses[ids[1]] = "excused"
                statuses[ids[6]] = "remote"
            await self._attendance(session, statuses)
        last = held[-1].starts_at.astimezone(HELSINKI).date()
        middle = held[len(held) // 2].starts_at.astimezone(HELSINKI).date()
        coach = self.people[COACH]
        for number, (client_id, enrolment_id) in enumerate(enrolments.items()):
            goal, mid_level, end_level, next_step = COMPLETED_PATHS[number]
            await self._coached_through_group(
                client_id, first, middle, last, GOALS[goal], (mid_level, end_level), number
            )
            await feedback.record_feedback(
                self.conn,
                coach,
                enrolment_id,
                FeedbackIn(got_support=True, new_plans=next_step is not None),
            )
            await self.conn.execute(BACKDATE_FEEDBACK, enrolment_id, _at(last, 12, 10 + number))
        for referral in await self.conn.fetch(
            "SELECT id FROM referrals WHERE programme_id = $1 AND status = 'in-progress'",
            programme.id,
        ):
            await self._move(COACH, referral["id"], "completed", _at(last, 15))
        await self._after_group(list(enrolments), last)

    async def _coached_through_group(
        self,
        client_id: str,
        first: date,
        middle: date,
        last: date,
        goal: tuple[str, float, tuple[str, ...]],
        levels: tuple[int, int],
        number: int,
    ) -> None:
        coach = self.people[COACH]
        plan = await plans.create_plan(
            self.conn,
            coach,
            client_id,
            PlanIn(kind="goal_coaching", coach_ids=[coach.id], starts_on=first),
        )
        await self.conn.execute(BACKDATE_PLAN, plan.id, _at(first, 12, 15 + number))
        title, weight, texts = goal
        added = await plans.add_goal(
            self.conn,
            coach,
            plan.id,
            GoalIn(title=title, baseline=-1, weight=weight, levels=GoalLevels(*texts)),
        )
        for rated_on, level in zip((middle, last), levels, strict=True):
            rating = await plans.rate_goal(
                self.conn, coach, added.id, RatingIn(level=level, rated_on=rated_on)
            )
            await self.conn.execute(BACKDATE_RATING, rating.id, _at(rated_on, 12, number * 5))
        base = 2 + number % 2
        for assessed_on, answers in (
            (first, _answers(base, 3 + number % 3)),
            (last, _answers(min(base + 1, 5), 5 + number % 3)),
        ):
            recorded = await assessments.record_assessment(
                self.conn,
                coach,
                client_id,
                AssessmentIn(instrument="work_ability", assessed_on=assessed_on, answers=answers),
            )
            await self.conn.execute(
                BACKDATE_ASSESSMENT, recorded.id, _at(assessed_on, 12, 30 + number)
            )

    async def _after_group(self, client_ids: list[str], last: date) -> None:
        """Continuation plans, and the work-trial referrals that came of them."""
        coach = self.people[COACH]
        for number, client_id in enumerate(client_ids):
            next_step = COMPLETED_PATHS[number][3]
            if next_step is None:
                continue
            plan_id = await self.conn.fetchval(
                "SELECT id FROM plans WHERE client_id = $1", client_id
            )
            await plans.set_continuation(
                self.conn,
                coach,
                plan_id,
                ContinuationIn(next_step=next_step[0], description=next_step[1]),  # type: ignore[arg-type]
            )
            decided = self._past(_at(last + timedelta(days=2), 11, number * 5))
            await self.conn.execute(BACKDATE_CONTINUATION, plan_id, decided)
        ville, hanna, petri = client_ids[:3]
        trial = "demo-tyokokeilu-kierratyskeskus"
        reason = "Jatkoa ryhmälle: työkokeilu tutussa ympäristössä"
        # Ville started his work trial; Hanna was accepted but has not started in the
        # fourteen days since; Petri's was turned down.
        ville_trial = await self._refer(
            ville, self._past(_at(last + timedelta(days=3), 9)), reason, service=trial
        )
        await self._move(
            SECOND_COACH, ville_trial, "received", self._past(_at(last + timedelta(days=3), 14))
        )
        await self._move(
            SECOND_COACH, ville_trial, "accepted", self._past(_at(last + timedelta(days=6), 10))
        )
        await self._move(
            SECOND_COACH,
            ville_trial,
            "in-progress",
            self._past(_at(last + timedelta(days=13), 8)),
        )
        hanna_trial = await self._refer(
            hanna, self._past(_at(last + timedelta(days=3), 9, 20)), reason, service=trial
        )
        await self._move(
            SECOND_COACH, hanna_trial, "received", self._past(_at(last + timedelta(days=3), 14, 5))
        )
        await self._move(
            SECOND_COACH, hanna_trial, "accepted", self._past(_at(last + timedelta(days=6), 10, 5))
        )
        petri_trial = await self._refer(
            petri, self._past(_at(last + timedelta(days=4), 9)), reason, service=trial
        )
        await self._move(
            SECOND_COACH, petri_trial, "received", self._past(_at(last + timedelta(days=4), 13))
        )
        await self._move(
            SECOND_COACH,
            petri_trial,
            "rejected",
            self._past(_at(last + timedelta(days=8), 10)),
            reason="Ei vapaita työkokeilupaikkoja ennen syksyä",
        )

    async def _running_group(self) -> None:
        """Tuesdays from about four weeks ago; attendance on every session held so far."""
        first = _on_or_before(self.today - timedelta(days=26), 1)
        programme = await self._programme(
            "Voimaa arkeen",
            first,
            13,
            _at(first - timedelta(days=40), 14),
            "Vertaistukiryhmä arjen hallintaan ja hyvinvointiin.",
        )
        ids = []
        for number, person in enumerate(RUNNING):
            shares_with = [NGO, DEBT_ADVICE] if person.first == "Mikael" else [NGO]
            created = _at(first - timedelta(days=30 - number), 10, number * 7)
            client_id = await self._client(
                person,
                created,
                shares_with=shares_with,
                email_reminders=person.first not in {"Mikael", "Oskari"},
            )
            requested = _at(first - timedelta(days=24 - number), 11)
            await self._accepted_into(programme, client_id, requested)
            ids.append(client_id)
        held = [s for s in programme.sessions if s.starts_at <= self.now]
        for index, session in enumerate(held):
            statuses: dict[str, AttendanceStatus] = dict.fromkeys(ids, "present")
            if index == 1:
                statuses[ids[3]] = "excused"  # Emma
            if index == 2:
                statuses[ids[1]] = "remote"  # Sofia
            if index >= len(held) - 2:
                statuses[ids[4]] = "absent"  # Oskari, the last two times: needs attention
            await self._attendance(session, statuses)
        mikael, oskari = ids[2], ids[4]
        # Debt advice has not answered in well over five working days: a stalled path.
        asked = latest_start_before(self.today, 5) - timedelta(days=3)
        await self._refer(
            mikael,
            _at(asked, 9, 40),
            "Ulosotossa useita velkoja, tarvitsee apua maksusuunnitelmaan",
            service="demo-talous-ja-velkaneuvonta",
        )
        # The clinic (the county's own) acknowledged yesterday's referral today.
        clinic = await self._refer(
            oskari,
            self._past(_at(self.today - timedelta(days=1), 15)),
            "Alkoholinkäyttö lisääntynyt, poissaoloja ryhmästä",
            service="demo-paihdepoliklinikka",
        )
        await self._move(ADMIN, clinic, "received", self._past(_at(self.today, 8, 30)))

    async def _upcoming_group(self) -> None:
        """Thursdays from next week or the week after; four clients the worker enrolled
        herself as the group's contact, Jari with a coaching plan already."""
        worker = self.people[WORKER]
        first = self.today + timedelta(days=(3 - self.today.weekday()) % 7 + 7)
        programme = await self._programme(
            "Arjen taidot",
            first,
            10,
            _at(self.today - timedelta(days=25), 10),
            "Arjen taitoja ja vertaistukea kahdeksan viikon ajan.",
        )
        for number, person in enumerate(UPCOMING):
            created = _at(self.today - timedelta(days=21 - number), 9, number * 10)
            client_id = await self._client(person, created, shares_with=[NGO], email_reminders=True)
            enrolled = await enrolment.enrol(self.conn, worker, programme.id, client_id)
            await self.conn.execute(
                BACKDATE_ENROLMENT, enrolled.id, _at(self.today - timedelta(days=10), 14, number)
            )
            if (person.first, person.last) == FEED_CLIENT:
                await self._coaching(client_id)

    async def _coaching(self, client_id: str) -> None:
        """A goal-coaching plan with two goals, a first rating, a self-assessment and a
        meeting next week."""
        conn, coach, today = self.conn, self.people[COACH], self.today
        started = today - timedelta(days=14)
        plan = await plans.create_plan(
            conn,
            coach,
            client_id,
            PlanIn(kind="goal_coaching", coach_ids=[coach.id], starts_on=started),
        )
        await conn.execute(BACKDATE_PLAN, plan.id, _at(started, 13))
        for title, weight, levels in GOALS:
            goal = await plans.add_goal(
                conn,
                coach,
                plan.id,
                GoalIn(title=title, baseline=-1, weight=weight, levels=GoalLevels(*levels)),
            )
            rated_on = today - timedelta(days=1)
            rating = await plans.rate_goal(
                conn, coach, goal.id, RatingIn(level=0, rated_on=rated_on)
            )
            await conn.execute(BACKDATE_RATING, rating.id, _at(rated_on, 14))
        work_ability = next(i for i in shipped() if i.key == "work_ability")
        recorded = await assessments.record_assessment(
            conn,
            coach,
            client_id,
            AssessmentIn(
                instrument="work_ability",
                assessed_on=started,
                answers={
                    item.key: 5 if item.domain == "overall" else 3 for item in work_ability.items
                },
            ),
        )
        await conn.execute(BACKDATE_ASSESSMENT, recorded.id, _at(started, 13, 30))
        monday = today + timedelta(days=7 - today.weekday())
        starts_at = datetime.combine(monday, time(13, 0), HELSINKI)
        await meetings.create_meeting(
            conn,
            coach,
            plan.id,
            MeetingIn(
                starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), location=OLOHUONE
            ),
        )


def _email(person: Person) -> str:
    local = f"{person.first}.{person.last}".lower()
    return local.translate(str.maketrans("äöå", "aoa")) + "@example.org"
