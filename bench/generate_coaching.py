"""Coaching for the synthetic region: plans with GAS goals and ratings, assessments
with both shipped instruments, strengths CVs, continuation plans, notes and meetings.

About a third of the clients have a plan. The benchmark worker's clients are all
coached by the benchmark coach, each with exactly six goals and forty ratings: the
plans the plan and GAS benchmarks read.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import asyncpg
import msgspec

from bench.region import WORKER_CLIENTS, Region, copy_rows, new_id
from service.base.clock import HELSINKI
from service.coaching.instruments import Instrument, score, shipped

BENCH_GOALS = 6
BENCH_RATINGS = 40
GOAL_TITLES = [
    "Päivärytmi säännölliseksi",
    "Liikkuu ulkona viikoittain",
    "Hoitaa asiointia itsenäisesti",
    "Hakee työkokeilupaikkaa",
    "Osallistuu ryhmään säännöllisesti",
    "Selvittää opiskelumahdollisuudet",
    "Hoitaa raha-asiat ajallaan",
    "Vähentää päihteiden käyttöä",
    "Laatii työnhakuasiakirjat",
    "Tapaa ystäviä viikoittain",
]
LEVEL_WORDS = ["ei lainkaan", "harvoin", "joskus", "usein", "aina"]
NEXT_STEPS = ["education", "employment", "work_trial", "rehabilitation", "other_service", "none"]
NOTES = [
    "Keskusteltiin arjen rytmistä ja jaksamisesta.",
    "Asiakas kertoi edistyneensä tavoitteissa.",
    "Sovittiin yhteydenotosta sosiaalityöntekijään.",
]
COLUMNS = {
    "plans": ["id", "client_id", "kind", "starts_on", "ends_on", "created_by", "created_at"],
    "plan_coaches": ["plan_id", "staff_id"],
    "goals": ["id", "plan_id", "position", "title", "weight", "baseline", "levels", "created_at"],
    "goal_ratings": ["id", "goal_id", "level", "rated_on", "rated_by", "created_at"],
    "continuation_plans": ["plan_id", "next_step", "description", "target_date", "updated_at"],
    "plan_notes": ["id", "plan_id", "body", "author_id", "created_at"],
    "meetings": ["id", "plan_id", "starts_at", "ends_at", "location_name", "created_by"],
    "assessments": [
        "id",
        "client_id",
        "instrument_id",
        "assessed_on",
        "answers",
        "scores",
        "created_at",
    ],
    "strengths_cvs": ["client_id", "summary", "strengths", "skills", "interests", "updated_at"],
}


def _json(value: Any) -> str:
    # The generator's connection has no JSON codec: jsonb goes in as text.
    return msgspec.json.encode(value).decode()


def _at(day: date, rng: random.Random) -> datetime:
    moment = datetime.combine(day, time(rng.randrange(8, 16), rng.randrange(60)), HELSINKI)
    return moment.astimezone(UTC)


def _answers(instrument: Instrument, rng: random.Random, lift: int) -> dict[str, Any]:
    """Plausible answers; `lift` moves self-assessments up as coaching goes on."""
    if instrument.scoring == "profile_comparison":
        return {
            item.key: {"person": rng.randint(2, 5), "job": rng.randint(1, 5)}
            for item in instrument.items
        }
    answers = {}
    for item in instrument.items:
        middle = (item.scale.min + item.scale.max) // 2
        spread = max(1, (item.scale.max - item.scale.min) // 3)
        value = middle + rng.randint(-spread, spread) + lift
        answers[item.key] = min(item.scale.max, max(item.scale.min, value))
    return answers


class _Coaching:
    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng, self.today = rng, today
        self.rows: dict[str, list[tuple[Any, ...]]] = defaultdict(list)
        self.instruments = {i.key: (new_id(), i) for i in shipped()}
        self.rows["instruments"] = [
            (instrument_id, i.key, i.version, _json(i))
            for instrument_id, i in self.instruments.values()
        ]

    def plan(self, client_id: str, coach: str, bench: bool, region: Region) -> None:
        rng = self.rng
        plan_id = new_id()
        kind = "job_coaching" if rng.random() < 0.3 else "goal_coaching"
        starts_on = self.today - timedelta(days=rng.randrange(30, 540))
        ends_on = starts_on + timedelta(weeks=rng.choice([8, 12, 16, 26]))
        last_day = min(ends_on, self.today)
        created = _at(starts_on, rng)
        self.rows["plans"].append((plan_id, client_id, kind, starts_on, ends_on, coach, created))
        self.rows["plan_coaches"].append((plan_id, coach))
        second = rng.choice(region.coaches)
        if not bench and rng.random() < 0.3 and second != coach:
            self.rows["plan_coaches"].append((plan_id, second))
        if bench:
            ratings = [
                BENCH_RATINGS // BENCH_GOALS + (i < BENCH_RATINGS % BENCH_GOALS)
                for i in range(BENCH_GOALS)
            ]
        else:
            ratings = [rng.randint(0, 8) for _ in range(rng.randint(2, 6))]
        for position, count in enumerate(ratings, start=1):
            self.goal(plan_id, position, count, coach, starts_on, last_day, created)
        if ends_on < self.today and rng.random() < 0.8:
            target = ends_on + timedelta(days=30)
            self.rows["continuation_plans"].append(
                (
                    plan_id,
                    rng.choice(NEXT_STEPS),
                    "Jatkosuunnitelma sovittu.",
                    target,
                    _at(ends_on, rng),
                )
            )
        for _ in range(rng.randint(0, 3)):
            self.rows["plan_notes"].append(
                (new_id(), plan_id, rng.choice(NOTES), coach, _at(last_day, rng))
            )
        if ends_on > self.today and rng.random() < 0.5:
            start = _at(self.today + timedelta(days=rng.randint(1, 21)), rng)
            self.rows["meetings"].append(
                (new_id(), plan_id, start, start + timedelta(hours=1), "Ohjaamo", coach)
            )
        self.assessments(client_id, kind, starts_on, last_day)

    def goal(
        self,
        plan_id: str,
        position: int,
        ratings: int,
        coach: str,
        starts_on: date,
        last_day: date,
        created: datetime,
    ) -> None:
        rng = self.rng
        goal_id, title = new_id(), rng.choice(GOAL_TITLES)
        baseline = rng.choice([-2, -1])
        levels = {str(n): f"{title}: {LEVEL_WORDS[n + 2]}" for n in range(-2, 3)}
        weight = rng.choice([1, 1, 2, 3])
        self.rows["goals"].append(
            (goal_id, plan_id, position, title, weight, baseline, _json(levels), created)
        )
        level, span = baseline, max(1, (last_day - starts_on).days)
        days = sorted(starts_on + timedelta(days=rng.randrange(span + 1)) for _ in range(ratings))
        for day in days:
            level = min(2, max(-2, level + rng.choices([-1, 0, 1], [1, 4, 3])[0]))
            self.rows["goal_ratings"].append((new_id(), goal_id, level, day, coach, _at(day, rng)))

    def assessments(self, client_id: str, kind: str, starts_on: date, last_day: date) -> None:
        rng = self.rng
        middle = starts_on + (last_day - starts_on) / 2
        for share, day, lift in [(1.0, starts_on, 0), (0.6, middle, 1), (0.5, last_day, 2)]:
            if rng.random() < share:
                self.assess(client_id, "work_ability", day, lift)
        if kind == "job_coaching" and rng.random() < 0.5:
            self.assess(client_id, "ability_profile", starts_on, 0)
            self.rows["strengths_cvs"].append(
                (
                    client_id,
                    "Luotettava ja oppii nopeasti.",
                    ["Täsmällisyys", "Yhteistyö"],
                    ["Asiakaspalvelu", "Trukkikortti"],
                    ["Kalastus"],
                    _at(starts_on, rng),
                )
            )

    def assess(self, client_id: str, key: str, day: date, lift: int) -> None:
        instrument_id, instrument = self.instruments[key]
        answers = _answers(instrument, self.rng, lift)
        scores = score(instrument, answers)
        self.rows["assessments"].append(
            (
                new_id(),
                client_id,
                instrument_id,
                day,
                _json(answers),
                _json(scores),
                _at(day, self.rng),
            )
        )


async def generate_coaching(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    coaching = _Coaching(rng, datetime.now(HELSINKI).date())
    for client_id in region.clients[:WORKER_CLIENTS]:
        coaching.plan(client_id, region.bench_coach, bench=True, region=region)
    for client_id in region.clients[WORKER_CLIENTS:]:
        if rng.random() < 0.33:
            coaching.plan(client_id, rng.choice(region.coaches), bench=False, region=region)
    await copy_rows(
        conn,
        "instruments",
        ["id", "key", "version", "definition"],
        coaching.rows.pop("instruments"),
    )
    for table, columns in COLUMNS.items():
        await copy_rows(conn, table, columns, coaching.rows[table])
