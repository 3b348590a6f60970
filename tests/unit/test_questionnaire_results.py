"""The pure rules of questionnaires: answers checked by kind, a form read by kind, and
results by role with small cells suppressed."""

from __future__ import annotations

import pytest

from service.base.errors import InvalidInput
from service.composers.questionnaires.definitions import check_answers, from_form, shipped
from service.composers.questionnaires.results import item_results
from service.reports.disclosure import HIDDEN, Figure

FORM = next(q for q in shipped() if q.key == "group_end_feedback")


def test_answers_are_checked_by_kind_and_name_the_item() -> None:
    good = {"got_support": True, "new_plans": False, "group_useful": 3, "comment": "  hyvä "}
    assert check_answers(FORM, good) == {**good, "comment": "hyvä"}
    assert "comment" not in check_answers(FORM, {**good, "comment": "   "})
    for wrong, field in (
        ({**good, "group_useful": 0}, "answers.group_useful"),
        ({**good, "group_useful": 2.5}, "answers.group_useful"),
        ({**good, "got_support": 1}, "answers.got_support"),
        ({**good, "comment": 5}, "answers.comment"),
        ({**good, "unknown": 1}, "answers.unknown"),
        ({k: v for k, v in good.items() if k != "new_plans"}, "answers.new_plans"),
    ):
        with pytest.raises(InvalidInput) as refused:
            check_answers(FORM, wrong)
        assert refused.value.errors[0].field == field


def test_a_form_is_read_by_each_items_kind() -> None:
    fields = {"got_support": "yes", "new_plans": "no", "group_useful": "4", "comment": "5"}
    assert from_form(FORM, fields) == {
        "got_support": True, "new_plans": False, "group_useful": 4, "comment": "5"
    }  # fmt: skip


def test_a_mean_is_hidden_with_any_hidden_cell_of_its_distribution() -> None:
    answers = {"got_support": True, "new_plans": True}
    # Five say 5 and one says 1: the 1 is hidden, the 5 with it, and the mean too
    # (6 answers with a mean of 4.33 would tell the split).
    answered = [("client", {**answers, "group_useful": 5}) for _ in range(5)]
    answered.append(("client", {**answers, "group_useful": 1}))
    respondents, items = item_results(FORM, answered)
    assert respondents.client == Figure(6) and respondents.staff == Figure(0)
    useful = next(i for i in items if i.key == "group_useful")
    assert useful.client.distribution["1"] == HIDDEN
    assert useful.client.distribution["5"] == HIDDEN
    assert useful.client.mean == HIDDEN
    assert useful.staff.answers == Figure(0) and useful.staff.mean == Figure(None)
    # Six all saying 5: shown, mean too.
    _, items = item_results(FORM, [("client", {**answers, "group_useful": 5})] * 6)
    useful = next(i for i in items if i.key == "group_useful")
    assert useful.client.distribution["5"] == Figure(6) and useful.client.mean == Figure(5.0)
