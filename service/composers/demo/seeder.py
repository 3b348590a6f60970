"""The seed's steps, each through a domain service and then moved to its moment: people
and the catalogue, a client with consents, a referral and its moves, a group, a
session's attendance. The groups (groups.py) are told in these steps."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import asyncpg
import msgspec

from service.accounts import organisations, staff
from service.base import clock
from service.base.clock import today_in_finland
from service.base.identity import Actor
from service.clients import consents, records
from service.clients.types import ClientIn, ConsentIn
from service.coaching import assessments
from service.composers import attendance
from service.composers.demo.backdating import (
    BACKDATE_ATTENDANCE,
    BACKDATE_CLIENT,
    BACKDATE_CONSENTS,
    BACKDATE_ENROLMENT,
    BACKDATE_PROGRAMME,
    BACKDATE_REFERRALS,
)
from service.composers.demo.cast import (
    COACH,
    COUNTY,
    DEBT_ADVICE,
    DEMO_PASSWORD,
    NGO,
    OLOHUONE,
    SECOND_COACH,
    STAFF,
    WORKER,
    Person,
)
from service.composers.demo.catalogue import DEBT_ADVICE_SERVICE, SERVICES
from service.composers.demo.plausible import GROUP_THEMES
from service.composers.questionnaires import catalogue as questionnaire_catalogue
from service.programmes import programmes
from service.programmes.types import (
    AttendanceIn,
    AttendanceRecordIn,
    AttendanceStatus,
    ProgrammeIn,
    ProgrammeOut,
    SessionOut,
)
from service.referrals import catalogue, referrals
from service.referrals.lifecycle import Status
from service.referrals.types import ReferralIn, StatusIn

SERVICES_BY_EXTERNAL_ID = (
    "SELECT id, external_id, organisation_id FROM services WHERE external_id = ANY ($1::text[])"
)


def actor_of(user: Any) -> Actor:
    """An Actor from a staff row or a UserOut."""
    fields = dict(user) if isinstance(user, asyncpg.Record) else msgspec.structs.asdict(user)
    return Actor.of_staff(fields)


class Seeder:
    """One seed in one transaction: its instant, and who and what it has made so far."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.conn = conn
        self.today = today_in_finland()
        self.now = clock.now()
        self.people: dict[str, Actor] = {}  # by e-mail
        self.organisations: dict[str, str] = {}  # by name
        self.services: dict[str, str] = {}  # by external id
        # Each client a phone of their own (+358 50 555 0101, 0102, …): an SMS reply
        # in the demo then comes from one client, as it would.
        self.phones = itertools.count(101)

    def past(self, moment: datetime) -> datetime:
        """Never later than a minute ago, whatever the calendar made of it."""
        return min(moment, self.now - timedelta(minutes=1))

    async def organisations_and_staff(self) -> None:
        """The county, the NGO it manages, their staff, the catalogue and its providers."""
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
            self.people[email] = actor_of(user)
        await catalogue.import_services(conn, SERVICES)
        for row in await conn.fetch(
            SERVICES_BY_EXTERNAL_ID, [service.external_id for service in SERVICES]
        ):
            self.services[row["external_id"]] = row["id"]
            if row["external_id"] == DEBT_ADVICE_SERVICE:
                self.organisations[DEBT_ADVICE] = row["organisation_id"]
        await assessments.install_shipped(conn)
        await questionnaire_catalogue.install_shipped(conn)

    # People ------------------------------------------------------------------------

    async def client(
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
                email=person.email,
                phone=f"+358 50 555 {next(self.phones):04d}",
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

    async def refer(
        self,
        client_id: str,
        at: datetime,
        reason: str,
        *,
        programme_id: str = "",
        service: str = "",
    ) -> str:
        """A referral by the worker, to a group or to a service (by external id)."""
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
        await self.conn.execute(BACKDATE_REFERRALS, referral.id, at)
        return referral.id

    async def move(
        self, who: str, referral_id: str, status: Status, at: datetime, reason: str | None = None
    ) -> str | None:
        """A status change by `who` (an e-mail), at `at`; returns the referral's enrolment."""
        moved = await referrals.change_status(
            self.conn, self.people[who], referral_id, StatusIn(status=status, reason=reason)
        )
        await self.conn.execute(BACKDATE_REFERRALS, referral_id, at)
        return moved.enrolment_id

    async def accepted_into(
        self, programme: ProgrammeOut, client_id: str, requested: datetime
    ) -> str:
        """Referred by the worker, acknowledged the next day and accepted two days later
        by the coach: a place in the group. Returns the enrolment."""
        referral_id = await self.refer(
            client_id,
            requested,
            "Arjen rytmi, vertaistuki ja askel kohti työelämää",
            programme_id=programme.id,
        )
        await self.move(COACH, referral_id, "received", requested + timedelta(days=1))
        accepted = requested + timedelta(days=3, hours=4)
        enrolment_id = await self.move(COACH, referral_id, "accepted", accepted)
        assert enrolment_id is not None, "accepting a referral to a group enrols"
        await self.conn.execute(BACKDATE_ENROLMENT, enrolment_id, accepted)
        return enrolment_id

    # Groups ------------------------------------------------------------------------

    async def programme(
        self, title: str, first: date, hour: int, created: datetime, description: str
    ) -> ProgrammeOut:
        """Eight weekly two-hour sessions in the NGO's living room, run by both coaches,
        with the worker as contact."""
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
                session_themes=GROUP_THEMES,
            ),
        )
        await self.conn.execute(BACKDATE_PROGRAMME, programme.id, created)
        return programme

    async def attendance(
        self,
        programme: ProgrammeOut,
        session: SessionOut,
        statuses: dict[str, AttendanceStatus],
    ) -> None:
        """Recorded by the coach half an hour after the session, with what it set off."""
        await attendance.record(
            self.conn,
            self.people[COACH],
            session.id,
            AttendanceIn(records=[AttendanceRecordIn(c, s) for c, s in statuses.items()]),
        )
        recorded = self.past(session.ends_at + timedelta(minutes=30))
        await self.conn.execute(BACKDATE_ATTENDANCE, session.id, recorded)
        await self.conn.execute(BACKDATE_REFERRALS, programme.id, recorded)
