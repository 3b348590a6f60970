"""A round's results by role, with the reports' small-cell suppression
(service/reports/disclosure.py). Pure: the caller fetches the answers.

Per item and role: how many answered, the distribution (1–5, or yes/no) and, for a
scale, the mean. A cell of one to four people is hidden, and so many more that the
hidden ones cannot be worked out from the count; a mean is hidden when it rests on
fewer than five people or when any cell of its distribution is hidden (with the count
it would tell the hidden cells apart). No figure covers both roles together, so no
role's hidden figure is the total minus the other's.

Text answers can say who wrote them: they are listed only where at least five people
of that role wrote one, in alphabetical order (not the order they came in) and never
with a name, in anonymous and named rounds alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Literal

import msgspec

from service.coaching.instruments import LocalText
from service.composers.questionnaires.definitions import Item, Questionnaire
from service.reports.disclosure import THRESHOLD, Figure, mean, table, total

Role = Literal["client", "staff"]
ROLES: tuple[Role, ...] = ("client", "staff")
SCALE = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")
RULE = (
    "Counts from 1 to 4 are hidden, and so many more cells of the same distribution that "
    "the hidden ones cannot be worked out from the count; a mean is hidden when it rests "
    "on fewer than 5 people or any cell of its distribution is hidden; text answers are "
    "listed only where at least 5 people of the role wrote one, sorted, never with names."
)


class RoleFigures(msgspec.Struct, kw_only=True):
    answers: Figure
    distribution: dict[str, Figure]
    mean: Figure | None = None
    texts: list[str] | None = None


class ItemResult(msgspec.Struct, kw_only=True):
    key: str
    kind: str
    text: LocalText
    client: RoleFigures
    staff: RoleFigures


class Respondents(msgspec.Struct, kw_only=True):
    client: Figure
    staff: Figure


def _figures(item: Item, values: Sequence[Any]) -> RoleFigures:
    count = len(values)
    if item.kind == "text":
        texts = sorted(str(v) for v in values) if count >= THRESHOLD else None
        return RoleFigures(answers=total(count), distribution={}, texts=texts)
    if item.kind == "yes_no":
        cells = {"yes": sum(1 for v in values if v is True)}
        cells["no"] = count - cells["yes"]
        return RoleFigures(answers=total(count), distribution=table(cells))
    scale = dict.fromkeys(SCALE, 0)
    for value in values:
        scale[str(value)] += 1
    shown = table(scale)
    any_hidden = any(figure.suppressed for figure in shown.values())
    average = mean([float(v) for v in values])
    if any_hidden and values:
        average = Figure(value=None, suppressed=True)
    return RoleFigures(answers=total(count), distribution=shown, mean=average)


def item_results(
    questionnaire: Questionnaire, answered: Iterable[tuple[Role, Mapping[str, Any]]]
) -> tuple[Respondents, list[ItemResult]]:
    """From (role, answers) pairs, one per person who answered the round."""
    people = dict.fromkeys(ROLES, 0)
    values: dict[tuple[Role, str], list[Any]] = {}
    for role, answers in answered:
        people[role] += 1
        for key, value in answers.items():
            values.setdefault((role, key), []).append(value)
    items = [
        ItemResult(
            key=item.key,
            kind=item.kind,
            text=item.text,
            client=_figures(item, values.get(("client", item.key), [])),
            staff=_figures(item, values.get(("staff", item.key), [])),
        )
        for item in questionnaire.items
    ]
    return Respondents(client=total(people["client"]), staff=total(people["staff"])), items
