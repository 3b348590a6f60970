"""From plain rows to report figures, with small groups suppressed. Pure: the report
services fetch the rows, these functions do the counting, so every figure can be
checked by hand in a unit test."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence

import msgspec

from service.coaching import gas
from service.reports import disclosure
from service.reports.disclosure import THRESHOLD, Figure
from service.reports.types import (
    NEXT_STEPS,
    Completion,
    DomainChange,
    Exits,
    Feedback,
    GasChange,
    Reason,
    Reasons,
    ReferralFigures,
    Situations,
    SixMonthsOn,
    Suppression,
    Waiting,
)

P90_LEAST = 10  # the 90th percentile of fewer is close to a single person's wait

SUPPRESSION_RULE = (
    "Counts from 1 to 4 are hidden, and so many more cells of the same table that the "
    "hidden ones cannot be worked out from the total; shares, sums, medians and means "
    "that would reveal them or rest on fewer than 5 people are hidden too."
)


def suppression(applied: bool) -> Suppression:
    return Suppression(applied=applied, threshold=THRESHOLD, rule=SUPPRESSION_RULE)


def reasons(
    counts: Mapping[str, int], *, suppress: bool = True, total_hidden: bool = False
) -> Reasons:
    """Reasons given by at least five people are named; the rest are counted as `other`
    (their wording could point at someone). `total_hidden`: the total is a hidden cell of
    another table, so no count here may be shown either."""
    everyone = sum(counts.values())
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    if suppress and total_hidden:
        return Reasons(
            total=disclosure.HIDDEN,
            reasons=[Reason(reason, disclosure.HIDDEN) for reason, n in ordered if n >= THRESHOLD],
            other=disclosure.HIDDEN,
        )
    if not suppress:
        return Reasons(
            total=Figure(value=everyone),
            reasons=[Reason(reason, Figure(value=n)) for reason, n in ordered],
            other=Figure(value=0),
        )
    named = [(reason, n) for reason, n in ordered if n >= THRESHOLD]
    cells = {f"named:{reason}": n for reason, n in named}
    cells["other"] = everyone - sum(n for _, n in named)
    shown = disclosure.table(cells)
    return Reasons(
        total=disclosure.total(everyone),
        reasons=[Reason(reason, shown[f"named:{reason}"]) for reason, _ in named],
        other=shown["other"],
    )


class Place(msgspec.Struct, frozen=True):
    """A place in a group that ended: kept to the end, or left."""

    completed: bool


def completion(places: Iterable[Place]) -> Completion:
    done = list(places)
    completed = sum(1 for place in done if place.completed)
    cells = disclosure.table({"completed": completed, "dropped_out": len(done) - completed})
    return Completion(
        ended=disclosure.total(len(done)),
        completed=cells["completed"],
        dropped_out=cells["dropped_out"],
        completion_rate=disclosure.share(
            completed, len(done), hidden=cells["completed"].suppressed
        ),
    )


def exits(participants: Iterable[str], next_step: Mapping[str, str]) -> Exits:
    """Participants by their next step; `next_step` maps a client to it."""
    steps = Counter(next_step.get(client, "not_recorded") for client in participants)
    cells = {step: steps[step] for step in (*NEXT_STEPS, "not_recorded")}
    everyone = sum(cells.values())
    shown = disclosure.table(cells)
    both = disclosure.derived(cells, ("education", "employment"))
    return Exits(
        **shown,
        education_or_employment=both,
        education_or_employment_share=disclosure.share(
            sum(cells[step] for step in ("education", "employment")),
            everyone,
            hidden=both.suppressed,
        ),
    )


SITUATIONS = (
    "employed",
    "self_employed",
    "education",
    "job_seeking",
    "training",
    "inactive",
    "unknown",
)


def situations(recorded: Iterable[str | None]) -> Situations:
    """Participants by situation; None for one with no record."""
    counted = Counter(situation or "not_recorded" for situation in recorded)
    return Situations(
        **disclosure.table({key: counted[key] for key in (*SITUATIONS, "not_recorded")})
    )


def six_months_on(asked: Sequence[bool], answers: Sequence[str | None]) -> SixMonthsOn:
    """From each participant asked (True) or not, and the answers of those who answered."""
    answered = [answer for answer in answers if answer is not None]
    asked_count = sum(asked)
    answered_figure = disclosure.total(len(answered))
    return SixMonthsOn(
        asked=disclosure.total(asked_count),
        answered=answered_figure,
        answered_share=disclosure.share(
            len(answered), asked_count, hidden=answered_figure.suppressed
        ),
        situations=situations(answered),
    )


def feedback(answers: Sequence[tuple[bool, bool]]) -> Feedback:
    """From (got_support, new_plans) pairs, one per participant who answered."""
    responses = len(answers)
    supported, supported_share = disclosure.yes_no(sum(1 for a in answers if a[0]), responses)
    planned, planned_share = disclosure.yes_no(sum(1 for a in answers if a[1]), responses)
    return Feedback(
        responses=disclosure.total(responses),
        got_support=supported,
        got_support_share=supported_share,
        new_plans=planned,
        new_plans_share=planned_share,
    )


class RatedGoal(msgspec.Struct, frozen=True):
    weight: float
    baseline: int
    level: int | None  # by the period's end; None if not rated by then


def has_follow_up(goals: Sequence[RatedGoal]) -> bool:
    return any(goal.level is not None for goal in goals)


def gas_change(plans: Iterable[Sequence[RatedGoal]]) -> GasChange:
    """Each plan's T-score at baseline and at its latest ratings; plans none of whose
    goals has been rated yet are left out (they have no follow-up to compare). The
    caller passes one plan per person, so the counts are people."""
    baselines, latest, changes = [], [], []
    for goals in plans:
        if not has_follow_up(goals):
            continue
        before, after = gas.t_scores(
            [goal.weight for goal in goals],
            [goal.baseline for goal in goals],
            [goal.baseline if goal.level is None else goal.level for goal in goals],
        )
        baselines.append(before)
        latest.append(after)
        changes.append(after - before)
    return GasChange(
        plans=disclosure.total(len(changes)),
        baseline_t_score_median=disclosure.statistic(baselines),
        latest_t_score_median=disclosure.statistic(latest),
        change_median=disclosure.statistic(changes),
    )


class AssessmentEnds(msgspec.Struct, frozen=True):
    """One person's first and latest domain scores with one instrument."""

    instrument: str
    first: Mapping[str, float]
    latest: Mapping[str, float]


def domain_changes(people: Iterable[AssessmentEnds]) -> list[DomainChange]:
    firsts: dict[tuple[str, str], list[float]] = defaultdict(list)
    lasts: dict[tuple[str, str], list[float]] = defaultdict(list)
    for person in people:
        for domain, score in person.first.items():
            if domain in person.latest:
                firsts[person.instrument, domain].append(float(score))
                lasts[person.instrument, domain].append(float(person.latest[domain]))
    changes = []
    for key in sorted(firsts):
        before, after = firsts[key], lasts[key]
        moved = [b - a for a, b in zip(before, after, strict=True)]
        changes.append(
            DomainChange(
                instrument=key[0],
                domain=key[1],
                people=disclosure.total(len(before)),
                first_mean=disclosure.mean(before),
                latest_mean=disclosure.mean(after),
                change_mean=disclosure.mean(moved),
                change_median=disclosure.statistic(moved),
            )
        )
    return changes


class ReferralTimes(msgspec.Struct, frozen=True):
    status: str
    reason: str | None
    days_to_answer: float | None
    days_to_start: float | None


def _waiting(days: Sequence[float]) -> Waiting:
    return Waiting(
        referrals=disclosure.total(len(days)),
        median_days=disclosure.statistic(days, 0.5, digits=1),
        p90_days=disclosure.statistic(days, 0.9, digits=1, least=P90_LEAST),
    )


def referral_figures(referrals: Sequence[ReferralTimes]) -> ReferralFigures:
    rejected = Counter(
        (r.reason or "").strip() or "no reason given" for r in referrals if r.status == "rejected"
    )
    return ReferralFigures(
        made=disclosure.total(len(referrals)),
        to_answer=_waiting([r.days_to_answer for r in referrals if r.days_to_answer is not None]),
        to_start=_waiting([r.days_to_start for r in referrals if r.days_to_start is not None]),
        rejections=reasons(rejected),
    )
