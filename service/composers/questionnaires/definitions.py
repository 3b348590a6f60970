"""A questionnaire's definition, versioned like the assessment instruments, and the
check of one person's answers against it. Pure: no I/O."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from service.base.errors import InvalidInput
from service.coaching.instruments import Key, LocalText

SHIPPED = Path(__file__).with_name("shipped")
TEXT_LIMIT = 2000

Kind = Literal["scale_1_5", "yes_no", "text"]


class Item(msgspec.Struct, forbid_unknown_fields=True):
    key: Key
    kind: Kind
    text: LocalText


class Questionnaire(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    key: Key
    version: Annotated[int, msgspec.Meta(ge=1, le=100_000)]
    title: LocalText
    items: Annotated[list[Item], msgspec.Meta(min_length=1, max_length=100)]


def check_definition(questionnaire: Questionnaire) -> None:
    """The definition hangs together; InvalidInput names what does not."""
    seen: set[str] = set()
    for index, item in enumerate(questionnaire.items):
        if item.key in seen:
            raise InvalidInput(f"items[{index}].key", f"item key {item.key!r} repeats")
        seen.add(item.key)


def shipped() -> list[Questionnaire]:
    """The questionnaires that come with Polku (shipped/*.json)."""
    found = []
    for path in sorted(SHIPPED.glob("*.json")):
        questionnaire = msgspec.json.decode(path.read_bytes(), type=Questionnaire)
        check_definition(questionnaire)
        found.append(questionnaire)
    return found


def _value(item: Item, raw: Any, field: str) -> bool | int | str | None:
    if item.kind == "scale_1_5":
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= 5:
            raise InvalidInput(field, "a whole number from 1 to 5")
        return raw
    if item.kind == "yes_no":
        if not isinstance(raw, bool):
            raise InvalidInput(field, "true or false")
        return raw
    if not isinstance(raw, str):
        raise InvalidInput(field, "text")
    text = raw.strip()
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(field, f"at most {TEXT_LIMIT} characters")
    if "\x00" in text:
        raise InvalidInput(field, "must not hold a NUL character")
    return text or None


def check_answers(questionnaire: Questionnaire, answers: dict[str, Any]) -> dict[str, Any]:
    """One person's answers, checked by each item's kind: a number 1–5, true/false or
    text. Scale and yes/no items must be answered; a text item may be left empty (left
    out of what is kept). InvalidInput names `answers.<key>`."""
    items = {item.key: item for item in questionnaire.items}
    for key in answers:
        if key not in items:
            raise InvalidInput(f"answers.{key[:64]}", "not an item of this questionnaire")
    kept: dict[str, Any] = {}
    for key, item in items.items():
        if key not in answers or answers[key] is None:
            if item.kind != "text":
                raise InvalidInput(f"answers.{key}", "not answered")
            continue
        value = _value(item, answers[key], f"answers.{key}")
        if value is not None:
            kept[key] = value
    return kept


def from_form(questionnaire: Questionnaire, fields: dict[str, str]) -> dict[str, Any]:
    """An HTML form's `<key>: text` pairs as answers by each item's kind: "1"–"5" as a
    number, "yes"/"no" as true/false, text as it is (so a comment "5" stays text).
    What cannot be read is passed on as text, for check_answers to name."""
    kinds = {item.key: item.kind for item in questionnaire.items}
    answers: dict[str, Any] = {}
    for key, value in fields.items():
        kind = kinds.get(key)
        if kind == "scale_1_5" and value in ("1", "2", "3", "4", "5"):
            answers[key] = int(value)
        elif kind == "yes_no" and value in ("yes", "no"):
            answers[key] = value == "yes"
        else:
            answers[key] = value
    return answers
