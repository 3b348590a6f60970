"""The demo's co-development group (issue 19): PAKU's kehittäjäryhmä, where the
county's social, health and employment workers and three developer-clients (who went
through "Askeleita työelämään") work on service paths as equals. Eight meetings from
about five weeks ago, the coaches facilitating, memos of the first two meetings and
the workers present recorded, except at the fourth meeting, so the group's report
shows one meeting held with no worker."""

from __future__ import annotations

from datetime import timedelta

from service.accounts import staff
from service.base.fields import Location
from service.composers.demo.backdating import (
    BACKDATE_ENROLMENT,
    BACKDATE_PROGRAMME,
    at,
    on_or_before,
)
from service.composers.demo.cast import COACH, COUNTY, DEMO_PASSWORD, NGO, SECOND_COACH, WORKER
from service.composers.demo.seeder import Seeder, actor_of
from service.programmes import enrolment, memos, participants, programmes, workers_present
from service.programmes.types import MemoIn, ProgrammeIn, WorkersPresentIn

TITLE = "Palvelupolkujen kehittäjäryhmä"
# Workers who take part as equals (not facilitators), besides the county's social worker.
PARTICIPANTS = [
    ("tuula.makela@jarvimaa.example", "Tuula Mäkelä", "+358 40 100 0004"),  # nurse
    ("jussi.koivisto@jarvimaa.example", "Jussi Koivisto", "+358 40 100 0005"),  # employment
]
# Developer-clients: three who finished the completed group.
DEVELOPERS = [("Hanna", "Leppänen"), ("Juho", "Ahonen"), ("Katja", "Saarinen")]
MEMOS = [
    "Aloituskoulutus: kävimme läpi kehittäjäryhmän tavoitteet ja yhteiset pelisäännöt. "
    "Jokainen kertoi, missä kohtaa palveluja on itse ollut.\n"
    "Seuraavalla kerralla: asiakasymmärrys ja persoonat, tuokaa mukaan yksi kokemus.",
    "Asiakasymmärrys ja persoonat: teimme kolme persoonaa (nuori ilman koulutuspaikkaa, "
    "pitkään työttömänä ollut, kuntoutustuelta palaava).\n"
    "Seuraavalla kerralla: piirrämme persoonien palvelupolut.",
]
CLIENT_BY_NAME = "SELECT id FROM clients WHERE first_name = $1 AND last_name = $2"


async def co_development_group(seed: Seeder) -> None:
    conn = seed.conn
    coach = seed.people[COACH]
    first = on_or_before(seed.today - timedelta(days=33), 3)  # Thursdays
    programme = await programmes.create_programme(
        conn,
        coach,
        ProgrammeIn(
            title=TITLE,
            kind="co_development",
            description="Sosiaali-, terveys- ja työllisyyspalvelujen työntekijät ja "
            "kehittäjäasiakkaat kehittävät palvelupolkuja tasavertaisina.",
            organisation_id=seed.organisations[NGO],
            first_session_date=first,
            start_time="13:00",
            duration_minutes=150,
            capacity=12,
            location=Location(name="Järvilän kaupungintalo, Kokoushuone Selkä"),
            facilitator_ids=[coach.id, seed.people[SECOND_COACH].id],
            weeks=8,
            skip_public_holidays=False,
        ),
    )
    await conn.execute(BACKDATE_PROGRAMME, programme.id, at(first - timedelta(days=30), 9))
    workers = [seed.people[WORKER].id]
    for email, name, phone in PARTICIPANTS:
        user = await staff.create_staff(
            conn,
            organisation_id=seed.organisations[COUNTY],
            email=email,
            name=name,
            password=DEMO_PASSWORD,
            roles=["referrer"],
            phone=phone,
        )
        seed.people[email] = actor_of(user)
        workers.append(user.id)
    for staff_id in workers:
        await participants.add_participant(conn, coach, programme.id, staff_id)
    for number, (first_name, last_name) in enumerate(DEVELOPERS):
        client_id = await conn.fetchval(CLIENT_BY_NAME, first_name, last_name)
        enrolled = await enrolment.enrol(conn, coach, programme.id, client_id)
        await conn.execute(
            BACKDATE_ENROLMENT, enrolled.id, at(first - timedelta(days=14), 10, number)
        )
    held = [s for s in programme.sessions if s.starts_at <= seed.now]
    for index, session in enumerate(held):
        if index == 3:
            continue  # the social worker was ill and nobody else came: the report shows it
        came = [coach.id, *workers[: 2 + index % 2]]
        await workers_present.record_workers(
            conn, coach, session.id, WorkersPresentIn(staff_ids=came)
        )
    for session, text in zip(held, MEMOS, strict=False):
        await memos.write_memo(conn, coach, session.id, MemoIn(text=text))
