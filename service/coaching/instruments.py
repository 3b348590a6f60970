"""Assessment instruments as data: their definition, checking answers, scoring.

Two kinds of scoring:
- domain_mean: each domain's score is the mean of its items, items marked
  lower_is_better turned round first (a 5 on a 1–5 scale counts as 1);
- profile_comparison: each characteristic is rated for the person and for a job;
  the result lists each difference (person − job) and flags where the job asks
  more than the person has (an over-demand), with each group's mean difference.
"""

from __future__ import annotations

from pathlib import Path
from statistics import fmean
from typing import Annotated, Any, Literal

import msgspec

from service.base.errors import InvalidInput
from service.base.problems import pattern

SHIPPED = Path(__file__).with_name("instruments")
Key = Annotated[
    str,
    msgspec.Meta(
        pattern=pattern(
            r"^[a-z][a-z0-9_]*$",
            "must be lower-case letters, digits and _ starting with a letter",
        ),
        max_length=64,
    ),
]


class LocalText(msgspec.Struct, forbid_unknown_fields=True):
    fi: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    sv: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]
    en: Annotated[str, msgspec.Meta(min_length=1, max_length=2000)]


class Scale(msgspec.Struct, forbid_unknown_fields=True):
    min: Annotated[int, msgspec.Meta(ge=-10, le=100)]
    max: Annotated[int, msgspec.Meta(ge=-10, le=100)]
    labels: dict[str, LocalText] = {}


class Domain(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    name: LocalText


class Item(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    domain: Key
    text: LocalText
    scale: Scale
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"


class Instrument(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: Key
    version: Annotated[int, msgspec.Meta(ge=1)]
    name: LocalText
    description: LocalText
    scoring: Literal["domain_mean", "profile_comparison"]
    domains: Annotated[list[Domain], msgspec.Meta(min_length=1, max_length=50)]
    items: Annotated[list[Item], msgspec.Meta(min_length=1, max_length=500)]


def check_definition(instrument: Instrument) -> None:
    """The definition hangs together; InvalidInput names what does not."""
    domains = [d.key for d in instrument.domains]
    if len(set(domains)) != len(domains):
        raise InvalidInput("domains", "domain keys repeat")
    items = [i.key for i in instrument.items]
    if len(set(items)) != len(items):
        raise InvalidInput("items", "item keys repeat")
    for index, item in enumerate(instrument.items):
        if item.domain not in domains:
            raise InvalidInput(f"items[{index}].domain", f"no domain {item.domain!r}")
        if item.scale.min >= item.scale.max:
            raise InvalidInput(f"items[{index}].scale", "min must be below max")
    used = {item.domain for item in instrument.items}
    for index, domain in enumerate(instrument.domains):
        if domain.key not in used:
            raise InvalidInput(f"domains[{index}]", f"domain {domain.key!r} has no items")


def shipped() -> list[Instrument]:
    """The instruments that come with Polku (service/coaching/instruments/*.json)."""
    instruments = []
    for path in sorted(SHIPPED.glob("*.json")):
        instrument = msgspec.json.decode(path.read_bytes(), type=Instrument)
        check_definition(instrument)
        instruments.append(instrument)
    return instruments


def _value(item: Item, raw: Any, field: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise InvalidInput(field, f"a whole number from {item.scale.min} to {item.scale.max}")
    if not item.scale.min <= raw <= item.scale.max:
        raise InvalidInput(field, f"must be from {item.scale.min} to {item.scale.max}")
    return raw


def _oriented(item: Item, value: int) -> float:
    if item.direction == "lower_is_better":
        return float(item.scale.min + item.scale.max - value)
    return float(value)


def score(instrument: Instrument, answers: dict[str, Any]) -> dict[str, Any]:
    """Check `answers` against the definition and score them. Every item must be
    answered; InvalidInput names the item that is missing, unknown or out of range."""
    items = {item.key: item for item in instrument.items}
    for key in answers:
        if key not in items:
            raise InvalidInput(f"answers.{key}", "not an item of this instrument")
    for key in items:
        if key not in answers:
            raise InvalidInput(f"answers.{key}", "not answered")
    if instrument.scoring == "domain_mean":
        return _domain_means(instrument, answers)
    return _profile_comparison(instrument, answers)


def _domain_means(instrument: Instrument, answers: dict[str, Any]) -> dict[str, Any]:
    per_domain: dict[str, list[float]] = {d.key: [] for d in instrument.domains}
    for item in instrument.items:
        value = _value(item, answers[item.key], f"answers.{item.key}")
        per_domain[item.domain].append(_oriented(item, value))
    return {"domains": {key: round(fmean(values), 2) for key, values in per_domain.items()}}


def _profile_comparison(instrument: Instrument, answers: dict[str, Any]) -> dict[str, Any]:
    compared = []
    per_domain: dict[str, list[int]] = {d.key: [] for d in instrument.domains}
    for item in instrument.items:
        pair = answers[item.key]
        field = f"answers.{item.key}"
        if not isinstance(pair, dict) or set(pair) != {"person", "job"}:
            raise InvalidInput(field, 'give {"person": n, "job": n}')
        person = _value(item, pair["person"], f"{field}.person")
        job = _value(item, pair["job"], f"{field}.job")
        difference = person - job
        per_domain[item.domain].append(difference)
        compared.append({"item": item.key, "domain": item.domain, "person": person, "job": job,
                         "difference": difference, "over_demand": job > person})  # fmt: skip
    return {
        "domains": {key: round(fmean(values), 2) for key, values in per_domain.items()},
        "items": compared,
        "over_demands": [entry["item"] for entry in compared if entry["over_demand"]],
    }


def change_since(first: dict[str, Any], later: dict[str, Any]) -> dict[str, float]:
    """Each domain's change between two scorings (domains both have)."""
    before, after = first.get("domains", {}), later.get("domains", {})
    return {key: round(after[key] - before[key], 2) for key in after if key in before}
