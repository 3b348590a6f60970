"""Report figures from plain rows, checked by hand; and the ESF+ export rows."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from service.reports.disclosure import HIDDEN, Figure
from service.reports.esf import (
    COLUMNS,
    ClientRecord,
    Participation,
    age_band,
    participant_row,
    write_csv,
)
from service.reports.figures import (
    AssessmentEnds,
    Place,
    RatedGoal,
    ReferralTimes,
    completion,
    domain_changes,
    exits,
    feedback,
    gas_change,
    reasons,
    referral_figures,
)
from service.reports.types import Reason


def test_completion_with_one_small_cell_hides_its_complement() -> None:
    figures = completion([Place(True)] * 9 + [Place(False)] * 2)
    assert figures.ended == Figure(11)
    assert figures.dropped_out == HIDDEN
    assert figures.completed == HIDDEN  # 11 - 2 would give it away
    assert figures.completion_rate == HIDDEN
    shown = completion([Place(True)] * 6 + [Place(False)] * 5)
    assert (shown.completed, shown.dropped_out) == (Figure(6), Figure(5))
    assert shown.completion_rate == Figure(0.545)


def test_exits_count_everyone_and_hide_a_sum_that_splits_hidden_cells() -> None:
    participants = [f"c{n}" for n in range(11)]
    steps = {f"c{n}": "education" for n in range(5)}
    steps |= {"c5": "employment", "c6": "employment", "c7": "none"}
    figures = exits(participants, steps)
    assert figures.education == Figure(5)
    assert figures.work_trial == Figure(0)
    assert figures.employment == figures.none == figures.not_recorded == HIDDEN
    assert figures.education_or_employment == HIDDEN
    assert figures.education_or_employment_share == HIDDEN


def test_none_of_a_few_is_hidden_too() -> None:
    # "0 of 3 completed" and "0 % went to work" say something of each of the three.
    figures = completion([Place(False)] * 3)
    assert figures.completed == figures.dropped_out == figures.completion_rate == HIDDEN
    few = exits(["a", "b", "c"], {"a": "none", "b": "none", "c": "none"})
    assert few.education == few.none == few.education_or_employment == HIDDEN
    assert few.education_or_employment_share == HIDDEN


def test_exits_to_education_or_work_when_nothing_is_small() -> None:
    participants = [f"c{n}" for n in range(20)]
    steps = {f"c{n}": "education" for n in range(6)} | {f"c{n}": "employment" for n in range(6, 12)}
    figures = exits(participants, steps)
    assert figures.education_or_employment == Figure(12)
    assert figures.education_or_employment_share == Figure(0.6)
    assert figures.not_recorded == Figure(8)


def test_feedback_shares() -> None:
    answers = [(True, True)] * 5 + [(True, False)] * 4
    figures = feedback(answers)
    assert figures.responses == Figure(9)
    assert (figures.got_support, figures.got_support_share) == (Figure(9), Figure(1.0))
    assert figures.new_plans == figures.new_plans_share == HIDDEN  # 4 said no


def test_gas_change_over_plans_with_a_follow_up() -> None:
    def plan(level: int | None) -> list[RatedGoal]:
        return [RatedGoal(weight=1, baseline=-1, level=level)]

    plans = [plan(1), plan(1), plan(0), plan(2), plan(-1), plan(None), []]
    figures = gas_change(plans)
    assert figures.plans == Figure(5)
    assert figures.baseline_t_score_median == Figure(40.0)
    assert figures.latest_t_score_median == Figure(60.0)  # 40 50 60 60 70
    assert figures.change_median == Figure(20.0)  # 0 10 20 20 30
    assert gas_change(plans[:4]).change_median == HIDDEN


def test_gas_change_of_two_weighted_goals_one_rated() -> None:
    goals = [RatedGoal(6, -1, 1), RatedGoal(6, -1, None)]
    figures = gas_change([goals] * 5)
    # Baseline: Σwx = -12 over √93.6 → 37.60; latest: levels 1 and -1 → 50.00.
    assert figures.baseline_t_score_median == Figure(37.6)
    assert figures.latest_t_score_median == Figure(50.0)
    assert figures.change_median == Figure(12.4)


def test_domain_changes_compare_domains_both_assessments_have() -> None:
    people = [
        AssessmentEnds("work_ability", {"mind": 2.0, "body": 3.0}, {"mind": 3.5, "body": 3.0})
        for _ in range(4)
    ] + [AssessmentEnds("work_ability", {"mind": 2.0}, {"mind": 4.0, "body": 1.0})]
    mind, body = sorted(domain_changes(people), key=lambda d: d.domain, reverse=True)
    assert (mind.domain, mind.people) == ("mind", Figure(5))
    assert mind.first_mean == Figure(2.0)
    assert mind.latest_mean == Figure(3.6)
    assert mind.change_mean == Figure(1.6)
    assert mind.change_median == Figure(1.5)
    assert (body.domain, body.people, body.change_mean) == ("body", HIDDEN, HIDDEN)


def test_referral_waiting_times_and_rejection_reasons() -> None:
    answered = [
        ReferralTimes("accepted", None, days, days + 7 if n < 5 else None)
        for n, days in enumerate([1, 2, 3, 4, 10, 6])
    ]
    rejected = (
        [ReferralTimes("rejected", "Ryhmä täynnä", 2, None)] * 6
        + [ReferralTimes("rejected", "Ei tavoitettu", 2, None)] * 5
        + [ReferralTimes("rejected", " muu ", 2, None)] * 2
    )
    figures = referral_figures(answered + rejected + [ReferralTimes("requested", None, None, None)])
    assert figures.made == Figure(20)
    assert figures.to_answer.referrals == Figure(19)
    assert figures.to_start.referrals == Figure(5)
    assert figures.to_start.median_days == Figure(10.0)  # 8 9 10 11 17
    assert figures.to_start.p90_days == HIDDEN  # of five: nearly the longest one's wait
    assert figures.rejections.total == Figure(13)
    assert figures.rejections.reasons == [
        Reason("Ryhmä täynnä", Figure(6)),
        Reason("Ei tavoitettu", HIDDEN),  # else `other` would be 13 - 6 - 5
    ]
    assert figures.rejections.other == HIDDEN


def test_the_90th_percentile_needs_ten_people() -> None:
    waits = [ReferralTimes("accepted", None, float(day), None) for day in range(1, 11)]
    assert referral_figures(waits).to_answer.p90_days == Figure(9.1)
    assert referral_figures(waits[:9]).to_answer.p90_days == HIDDEN


def test_reasons_are_listed_exactly_for_those_who_see_the_people() -> None:
    listed = reasons({"muutto": 1, "työ": 2}, suppress=False)
    assert listed.reasons == [Reason("työ", Figure(2)), Reason("muutto", Figure(1))]
    assert listed.total == Figure(3)
    assert reasons({"muutto": 1, "työ": 2}).total == HIDDEN


def test_age_bands_at_entry() -> None:
    born = date(2000, 6, 15)
    assert age_band(born, date(2018, 6, 14)) == "under_18"
    assert age_band(born, date(2018, 6, 15)) == "18_29"
    assert age_band(born, date(2030, 6, 14)) == "18_29"
    assert age_band(born, date(2030, 6, 15)) == "30_54"
    assert age_band(born, date(2055, 6, 15)) == "55_plus"
    assert age_band(None, date(2027, 1, 1)) == "unknown"


def _row(*args: Any) -> dict[str, str]:
    return dict(zip(COLUMNS, participant_row(*args), strict=True))


def test_participant_rows_at_entry_and_exit() -> None:
    client = ClientRecord("c1", "female", date(1990, 3, 1))
    group = Participation(date(2027, 2, 1), date(2027, 4, 1), "long_term_unemployed", "isced_3_4")
    plan = Participation(date(2027, 1, 10), date(2027, 5, 31), None, None)
    row = _row(client, [group, plan], "education", date(2027, 12, 31))
    assert row["age_band_at_entry"] == "30_54"
    assert row["entry_date"] == "2027-01-10"
    # The plan that started first had no entry data: unknown, not today's situation.
    assert row["labour_market_status_at_entry"] == "unknown"
    assert row["unemployed_at_entry"] == row["employed_at_entry"] == "0"
    assert row["exit_date"] == "2027-05-31"
    assert row["status_at_exit"] == "education"
    assert row["in_education_or_training_at_exit"] == "1"
    assert row["in_employment_at_exit"] == "0"

    ongoing = Participation(date(2027, 2, 1), None, "long_term_unemployed", "isced_0_2")
    row = _row(client, [ongoing], None, date(2027, 12, 31))
    assert row["labour_market_status_at_entry"] == "long_term_unemployed"
    assert (row["unemployed_at_entry"], row["long_term_unemployed_at_entry"]) == ("1", "1")
    assert row["education_level_at_entry"] == "isced_0_2"
    assert row["exit_date"] == row["status_at_exit"] == ""
    # Left after the period's end: still a participant within it.
    assert _row(client, [group], None, date(2027, 3, 31))["exit_date"] == ""
    row = _row(client, [group], None, date(2027, 4, 1))
    assert (row["exit_date"], row["status_at_exit"]) == ("2027-04-01", "not_recorded")


def test_csv_opens_in_excel_with_finnish_settings() -> None:
    body = write_csv([["c1", "female", "äö"]])
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.endswith("\r\n")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    assert rows[0] == COLUMNS
    assert rows[1] == ["c1", "female", "äö"]


def test_reasons_whose_total_is_hidden_elsewhere_show_no_count() -> None:
    # 7 left, but the table they belong to hid that cell: the reasons must not give it.
    hidden = reasons({"muutto": 5, "työ": 2}, total_hidden=True)
    assert hidden.total == hidden.other == HIDDEN
    assert hidden.reasons == [Reason("muutto", HIDDEN)]
