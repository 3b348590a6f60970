"""The demo's three groups, told from the day the demo runs: "Askeleita työelämään"
ended some weeks ago, "Voimaa arkeen" is running, "Arjen taidot" starts soon."""

from __future__ import annotations

from datetime import date, timedelta

from service.base.clock import HELSINKI, latest_start_before
from service.composers.demo.backdating import (
    BACKDATE_ENROLMENT,
    BACKDATE_FEEDBACK,
    at,
    on_or_before,
)
from service.composers.demo.cast import (
    ADMIN,
    COACH,
    COMPLETED,
    COMPLETED_PATHS,
    DEBT_ADVICE,
    FEED_CLIENT,
    GOALS,
    NGO,
    RUNNING,
    SECOND_COACH,
    UPCOMING,
    WORKER,
)
from service.composers.demo.catalogue import (
    CLINIC_SERVICE,
    DEBT_ADVICE_SERVICE,
    WORK_TRIAL_SERVICE,
)
from service.composers.demo.coaching import (
    coached_through_group,
    continuation,
    feed_client_coaching,
)
from service.composers.demo.seeder import Seeder
from service.programmes import enrolment, feedback
from service.programmes.types import AttendanceStatus, FeedbackIn


async def completed_group(seed: Seeder) -> None:
    """Eight weeks on Wednesdays, over about five weeks ago."""
    first = on_or_before(seed.today - timedelta(weeks=12), 2)
    programme = await seed.programme(
        "Askeleita työelämään",
        first,
        10,
        at(first - timedelta(days=45), 13),
        "Kahdeksan viikon ryhmä työelämään palaamisen tueksi.",
    )
    # The group was taken in before it began: until then it had not ended. The
    # same transaction puts its end back where the sessions put it.
    await seed.conn.execute(
        "UPDATE programmes SET ends_at = now() + interval '1 day' WHERE id = $1",
        programme.id,
    )
    enrolments = {}
    for number, person in enumerate(COMPLETED):
        created = at(first - timedelta(days=40 - number), 9, 15 + number * 5)
        client_id = await seed.client(person, created, shares_with=[NGO], email_reminders=False)
        requested = at(first - timedelta(days=35 - number), 10, 30)
        enrolments[client_id] = await seed.accepted_into(programme, client_id, requested)
    await seed.conn.execute(
        "UPDATE programmes SET ends_at = $2 WHERE id = $1", programme.id, programme.ends_at
    )
    ids = list(enrolments)
    held = [s for s in programme.sessions if s.starts_at <= seed.now]
    for index, session in enumerate(held):
        statuses: dict[str, AttendanceStatus] = dict.fromkeys(ids, "present")
        if index == 2:
            statuses[ids[3]] = "absent"  # Sari, once
        if index == 4:
            statuses[ids[1]] = "excused"
            statuses[ids[6]] = "remote"
        await seed.attendance(programme, session, statuses)
    last = held[-1].starts_at.astimezone(HELSINKI).date()
    middle = held[len(held) // 2].starts_at.astimezone(HELSINKI).date()
    coach = seed.people[COACH]
    plan_ids = []
    for number, (client_id, enrolment_id) in enumerate(enrolments.items()):
        goal, mid_level, end_level, next_step = COMPLETED_PATHS[number]
        plan_ids.append(
            await coached_through_group(
                seed, client_id, first, middle, last, GOALS[goal], (mid_level, end_level), number
            )
        )
        await feedback.record_feedback(
            seed.conn,
            coach,
            enrolment_id,
            FeedbackIn(got_support=True, new_plans=next_step is not None),
        )
        await seed.conn.execute(BACKDATE_FEEDBACK, enrolment_id, at(last, 12, 10 + number))
    for referral in await seed.conn.fetch(
        "SELECT id FROM referrals WHERE programme_id = $1 AND status = 'in-progress'",
        programme.id,
    ):
        await seed.move(COACH, referral["id"], "completed", at(last, 15))
    for number, plan_id in enumerate(plan_ids):
        next_step = COMPLETED_PATHS[number][3]
        if next_step is not None:
            decided = seed.past(at(last + timedelta(days=2), 11, number * 5))
            await continuation(seed, plan_id, next_step, decided)
    await work_trials(seed, ids, last)


async def work_trials(seed: Seeder, client_ids: list[str], last: date) -> None:
    """The work-trial referrals that came of the completed group's continuation plans."""
    ville, hanna, petri = client_ids[:3]
    trial = WORK_TRIAL_SERVICE
    reason = "Jatkoa ryhmälle: työkokeilu tutussa ympäristössä"
    # Ville started his work trial; Hanna was accepted but has not started in the
    # fourteen days since; Petri's was turned down.
    ville_trial = await seed.refer(
        ville, seed.past(at(last + timedelta(days=3), 9)), reason, service=trial
    )
    await seed.move(
        SECOND_COACH, ville_trial, "received", seed.past(at(last + timedelta(days=3), 14))
    )
    await seed.move(
        SECOND_COACH, ville_trial, "accepted", seed.past(at(last + timedelta(days=6), 10))
    )
    await seed.move(
        SECOND_COACH,
        ville_trial,
        "in-progress",
        seed.past(at(last + timedelta(days=13), 8)),
    )
    hanna_trial = await seed.refer(
        hanna, seed.past(at(last + timedelta(days=3), 9, 20)), reason, service=trial
    )
    await seed.move(
        SECOND_COACH, hanna_trial, "received", seed.past(at(last + timedelta(days=3), 14, 5))
    )
    await seed.move(
        SECOND_COACH, hanna_trial, "accepted", seed.past(at(last + timedelta(days=6), 10, 5))
    )
    petri_trial = await seed.refer(
        petri, seed.past(at(last + timedelta(days=4), 9)), reason, service=trial
    )
    await seed.move(
        SECOND_COACH, petri_trial, "received", seed.past(at(last + timedelta(days=4), 13))
    )
    await seed.move(
        SECOND_COACH,
        petri_trial,
        "rejected",
        seed.past(at(last + timedelta(days=8), 10)),
        reason="Ei vapaita työkokeilupaikkoja ennen syksyä",
    )


async def running_group(seed: Seeder) -> None:
    """Tuesdays from about four weeks ago; attendance on every session held so far."""
    first = on_or_before(seed.today - timedelta(days=26), 1)
    programme = await seed.programme(
        "Voimaa arkeen",
        first,
        13,
        at(first - timedelta(days=40), 14),
        "Vertaistukiryhmä arjen hallintaan ja hyvinvointiin.",
    )
    ids = []
    for number, person in enumerate(RUNNING):
        shares_with = [NGO, DEBT_ADVICE] if person.first == "Mikael" else [NGO]
        created = at(first - timedelta(days=30 - number), 10, number * 7)
        client_id = await seed.client(
            person,
            created,
            shares_with=shares_with,
            email_reminders=person.first not in {"Mikael", "Oskari"},
        )
        requested = at(first - timedelta(days=24 - number), 11)
        await seed.accepted_into(programme, client_id, requested)
        ids.append(client_id)
    held = [s for s in programme.sessions if s.starts_at <= seed.now]
    for index, session in enumerate(held):
        statuses: dict[str, AttendanceStatus] = dict.fromkeys(ids, "present")
        if index == 1:
            statuses[ids[3]] = "excused"  # Emma
        if index == 2:
            statuses[ids[1]] = "remote"  # Sofia
        if index >= len(held) - 2:
            statuses[ids[4]] = "absent"  # Oskari, the last two times: needs attention
        await seed.attendance(programme, session, statuses)
    mikael, oskari = ids[2], ids[4]
    # Debt advice has not answered in well over five working days: a stalled path.
    asked = latest_start_before(seed.today, 5) - timedelta(days=3)
    await seed.refer(
        mikael,
        at(asked, 9, 40),
        "Ulosotossa useita velkoja, tarvitsee apua maksusuunnitelmaan",
        service=DEBT_ADVICE_SERVICE,
    )
    # The clinic (the county's own) acknowledged yesterday's referral today.
    clinic = await seed.refer(
        oskari,
        seed.past(at(seed.today - timedelta(days=1), 15)),
        "Alkoholinkäyttö lisääntynyt, poissaoloja ryhmästä",
        service=CLINIC_SERVICE,
    )
    await seed.move(ADMIN, clinic, "received", seed.past(at(seed.today, 8, 30)))


async def upcoming_group(seed: Seeder) -> None:
    """Thursdays from next week or the week after; four clients the worker enrolled
    herself as the group's contact, Jari with a coaching plan already."""
    worker = seed.people[WORKER]
    first = seed.today + timedelta(days=(3 - seed.today.weekday()) % 7 + 7)
    programme = await seed.programme(
        "Arjen taidot",
        first,
        10,
        at(seed.today - timedelta(days=25), 10),
        "Arjen taitoja ja vertaistukea kahdeksan viikon ajan.",
    )
    for number, person in enumerate(UPCOMING):
        created = at(seed.today - timedelta(days=21 - number), 9, number * 10)
        client_id = await seed.client(person, created, shares_with=[NGO], email_reminders=True)
        enrolled = await enrolment.enrol(seed.conn, worker, programme.id, client_id)
        await seed.conn.execute(
            BACKDATE_ENROLMENT, enrolled.id, at(seed.today - timedelta(days=10), 14, number)
        )
        if (person.first, person.last) == FEED_CLIENT:
            await feed_client_coaching(seed, client_id)
