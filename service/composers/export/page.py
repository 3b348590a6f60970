"""The export as a printable HTML page in the client's language: every section of the
JSON document, in the same order, with times in the client's own zone. A list shows as a
table (a heading row, a row per item), a single item as its fields; lists inside an item
(a plan's goals, a goal's ratings, a referral's history) as tables within its cell."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import msgspec
from markupsafe import Markup

from service.composers.export.texts import LANGUAGES, SECTIONS, word
from service.composers.export.types import ClientExport

_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    autoescape=True,
)
_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_LEVEL = re.compile(r"-?[0-9]+")
# Markup.format escapes what it is given, as the template would.
_LINES = Markup('<span class="lines">{}</span>')
# Who acted, in the access log, when it was not a staff member.
_ACTORS = {"client", "system"}


def _day(day: date, language: str) -> str:
    if language == "fi":
        return f"{day.day}.{day.month}.{day.year}"
    if language == "sv":
        return day.isoformat()
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def _moment(moment: datetime, language: str, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    separator = "." if language == "fi" else ":"
    return f"{_day(local.date(), language)} {local.hour:02d}{separator}{local.minute:02d}"


@dataclass
class Block:
    """A part of the page: `fields` [(label, cell)] for one item, or `headings` and
    `rows` [[cell]] for a list of them. A cell is text or a Block."""

    fields: list[tuple[str, Any]] | None = None
    headings: list[str] | None = None
    rows: list[list[Any]] | None = None
    # Items too rich for a row each (a plan with its goals): one after the other.
    items: list[Block] | None = None


def _is_table(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and isinstance(value[0], dict)


class _Shower:
    def __init__(self, language: str, zone: ZoneInfo) -> None:
        self.language, self.zone = language, zone

    def cell(self, value: Any) -> Any:
        if value is None:
            return "–"
        if isinstance(value, bool):
            return "✓" if value else "–"
        if isinstance(value, datetime):
            return _moment(value, self.language, self.zone)
        if isinstance(value, date):
            return _day(value, self.language)
        if isinstance(value, dict):
            return self.item(value)
        if isinstance(value, list):
            if value and all(isinstance(item, dict) for item in value):
                return self.table(value)
            return ", ".join(str(self.cell(item)) for item in value) or "–"
        text = str(value)
        if "\n" in text:  # a message as sent, a note: its line breaks kept, escaped
            return _LINES.format(text)
        return text

    def item(self, value: dict[str, Any]) -> Block:
        if value and all(_LEVEL.fullmatch(key) for key in value):  # a goal's levels, -2…2
            value = dict(sorted(value.items(), key=lambda pair: int(pair[0])))
        return Block(fields=[(word(self.language, k), self.cell(v)) for k, v in value.items()])

    def table(self, items: list[dict[str, Any]]) -> Block:
        if any(_is_table(value) for item in items for value in item.values()):
            return Block(items=[self.item(item) for item in items])
        keys = list(items[0])
        return Block(
            headings=[word(self.language, key) for key in keys],
            rows=[[self.cell(item.get(key)) for key in keys] for item in items],
        )

    def section(self, value: Any) -> Block | None:
        if value is None or value == []:
            return None
        if isinstance(value, list):
            return self.table(value)
        return self.item(value)


def _json_text(value: Any) -> Any:
    """Answers, scores and details as compact JSON: what they are, without layout."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True) if value is not None else None


def render(document: ClientExport, language: str | None = None) -> str:
    lang = language if language in LANGUAGES else document.record.language
    if lang not in LANGUAGES:
        lang = "fi"
    zone = ZoneInfo(document.record.timezone)
    raw = msgspec.to_builtins(document, builtin_types=(datetime, date))
    for event in raw["access_log"]:
        if event["actor_kind"] in _ACTORS:
            event["staff_name"] = word(lang, event["actor_kind"])
        event["detail"] = _json_text(event["detail"])
    for assessment in raw["assessments"]:
        for key in ("answers", "scores", "instrument_name"):
            assessment[key] = _json_text(assessment[key])
    for flag in raw["attention_flags"]:
        flag["details"] = _json_text(flag["details"])
    for change in raw["record_changes"]:
        change["old_value"] = _json_text(change["old_value"])
        change["new_value"] = _json_text(change["new_value"])
    if raw["strengths_cv"] is not None:
        raw["strengths_cv"]["experience"] = _json_text(raw["strengths_cv"]["experience"])
    shower = _Shower(lang, zone)
    sections = [(name, word(lang, name), shower.section(raw[name])) for name in SECTIONS]
    return _PAGES.get_template("export.html").render(
        lang=lang,
        title=word(lang, "page_title"),
        intro=word(lang, "intro").format(when=_moment(document.generated_at, lang, zone)),
        name=f"{document.record.first_name} {document.record.last_name}",
        sections=sections,
        none=word(lang, "none"),
        message_texts=word(lang, "message_texts"),
    )
