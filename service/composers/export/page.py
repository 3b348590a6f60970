"""The export as a printable HTML page in the client's language: every section of the
JSON document, in the same order, with times in the client's own zone."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
import msgspec
from babel.dates import format_date, format_datetime

from service.composers.export.texts import LANGUAGES, SECTIONS, word
from service.composers.export.types import ClientExport

_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    autoescape=True,
)
# Words for values that say who acted in the access log.
_ACTORS = {"client", "system"}


def _shown(value: Any, language: str, zone: ZoneInfo) -> Any:
    """Moments and days as the client reads them; everything else as it is."""
    if isinstance(value, datetime):
        return format_datetime(value.astimezone(zone), "short", locale=language)
    if isinstance(value, date):
        return format_date(value, "medium", locale=language)
    if isinstance(value, dict):
        return {key: _shown(item, language, zone) for key, item in value.items()}
    if isinstance(value, list):
        return [_shown(item, language, zone) for item in value]
    if isinstance(value, bool):
        return "✓" if value else "–"
    return value


def render(document: ClientExport, language: str | None = None) -> str:
    lang = language if language in LANGUAGES else document.record.language
    if lang not in LANGUAGES:
        lang = "fi"
    zone = ZoneInfo(document.record.timezone)
    raw = msgspec.to_builtins(document, builtin_types=(datetime, date))
    for event in raw["access_log"]:
        if event["actor_kind"] in _ACTORS:
            event["staff_name"] = word(lang, event["actor_kind"])
    sections = [(name, word(lang, name), _shown(raw[name], lang, zone)) for name in SECTIONS]
    return _PAGES.get_template("export.html").render(
        lang=lang,
        title=word(lang, "title"),
        intro=word(lang, "intro").format(when=_shown(document.generated_at, lang, zone)),
        name=f"{document.record.first_name} {document.record.last_name}",
        sections=sections,
        none=word(lang, "none"),
        no_text=word(lang, "no_text"),
        word=lambda key: word(lang, key),
    )
