"""Report bodies. Every number about people is a Figure: its value, or hidden and
marked `suppressed` where it would describe fewer than five people."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

import msgspec

from service.reports.disclosure import Figure

SessionStatus = Literal["held", "upcoming", "cancelled"]
NEXT_STEPS = ("education", "employment", "work_trial", "rehabilitation", "other_service", "none")


class Suppression(msgspec.Struct, frozen=True):
    applied: bool
    threshold: int
    rule: str


class Reason(msgspec.Struct, frozen=True):
    reason: str
    people: Figure


class Reasons(msgspec.Struct, frozen=True):
    """Reasons as written, most common first; those given by too few people to show
    are counted together under `other`."""

    total: Figure
    reasons: list[Reason]
    other: Figure


# Programme report -------------------------------------------------------------------


class ProgrammeEnrolment(msgspec.Struct, frozen=True):
    participants: Figure
    enrolled: Figure
    completed: Figure
    dropped_out: Figure
    waitlisted: Figure
    left_waiting_list: Figure
    dropout_reasons: Reasons


class SessionFigures(msgspec.Struct, frozen=True):
    id: str
    number: int
    starts_at: datetime
    ends_at: datetime
    theme: str | None
    status: SessionStatus
    moved: bool
    present: Figure
    remote: Figure
    absent: Figure
    excused: Figure
    unrecorded: Figure
    attendance_rate: Figure
    # Workers are staff, not clients: their number is never suppressed.
    workers_present: int


class SessionCounts(msgspec.Struct, frozen=True):
    planned: int
    held: int
    upcoming: int
    moved: int
    cancelled: int


class Attendance(msgspec.Struct, frozen=True):
    """present + remote over every recorded mark of the sessions held."""

    rate: Figure
    recorded: Figure
    attended: Figure


class SessionWithoutWorker(msgspec.Struct, frozen=True):
    id: str
    number: int
    starts_at: datetime


class WithoutWorker(msgspec.Struct, frozen=True):
    """Sessions held with no worker recorded as present (PUT
    /sessions/{id}/workers-present): the promise "a worker is always there" broken,
    or not yet recorded."""

    count: int
    sessions: list[SessionWithoutWorker]


class ProgrammeReport(msgspec.Struct, frozen=True):
    programme_id: str
    title: str
    organisation_id: str
    status: str
    starts_at: datetime
    ends_at: datetime
    capacity: int
    enrolment: ProgrammeEnrolment
    attendance: Attendance
    sessions: SessionCounts
    per_session: list[SessionFigures]
    held_without_worker: WithoutWorker
    suppression: Suppression


# Outcomes ---------------------------------------------------------------------------


class Completion(msgspec.Struct, frozen=True):
    """Places in the organisations' groups that ended in the period."""

    ended: Figure
    completed: Figure
    dropped_out: Figure
    completion_rate: Figure


class Exits(msgspec.Struct, frozen=True):
    """Each participant's next step, from the latest continuation plan of their coaching
    plans in the organisations; `not_recorded` when there is none."""

    education: Figure
    employment: Figure
    work_trial: Figure
    rehabilitation: Figure
    other_service: Figure
    none: Figure
    not_recorded: Figure
    education_or_employment: Figure
    education_or_employment_share: Figure


class Feedback(msgspec.Struct, frozen=True):
    responses: Figure
    got_support: Figure
    got_support_share: Figure
    new_plans: Figure
    new_plans_share: Figure


class GasChange(msgspec.Struct, frozen=True):
    """People with goals rated at least once by the period's end, each by their latest
    such plan."""

    plans: Figure
    baseline_t_score_median: Figure
    latest_t_score_median: Figure
    change_median: Figure


class DomainChange(msgspec.Struct, frozen=True):
    """From each person's first assessment to their latest by the period's end."""

    instrument: str
    domain: str
    people: Figure
    first_mean: Figure
    latest_mean: Figure
    change_mean: Figure
    change_median: Figure


class Waiting(msgspec.Struct, frozen=True):
    """Days from the referral to the event, over the referrals that reached it."""

    referrals: Figure
    median_days: Figure
    p90_days: Figure


class ReferralFigures(msgspec.Struct, frozen=True):
    """Referrals made in the period, sent or received by the organisations."""

    made: Figure
    to_answer: Waiting
    to_start: Waiting
    rejections: Reasons


class Period(msgspec.Struct, frozen=True):
    first_day: date
    last_day: date


class Situations(msgspec.Struct, frozen=True):
    """Participants by their situation (ESF+): upon leaving, from the latest exit
    record; six months on, from the answered follow-up. `not_recorded`: none yet."""

    employed: Figure
    self_employed: Figure
    education: Figure
    job_seeking: Figure
    training: Figure
    inactive: Figure
    unknown: Figure
    not_recorded: Figure


class SixMonthsOn(msgspec.Struct, frozen=True):
    """The follow-up six months after leaving: how many were asked, how many answered
    (by SMS or to a worker), and what they said."""

    asked: Figure
    answered: Figure
    answered_share: Figure
    situations: Situations


class OutcomesReport(msgspec.Struct, frozen=True):
    period: Period
    organisation_ids: list[str]
    participants: Figure
    completion: Completion
    exits: Exits
    feedback: Feedback
    gas: GasChange
    assessments: list[DomainChange]
    referrals: ReferralFigures
    upon_leaving: Situations
    six_months_on: SixMonthsOn
    suppression: Suppression
