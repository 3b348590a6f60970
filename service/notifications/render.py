"""Message texts from templates, in Finnish, Swedish or English, plain when asked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2
from babel.dates import format_date, format_time

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # plain text, never HTML  # noqa: S701
    auto_reload=False,  # the templates ship with the code: no stat() per message
)
# (date pattern, word before the time, time pattern) as people write them.
_WHEN = {
    "fi": ("EEEE d.M.", "klo", "H.mm"),
    "sv": ("EEEE d.M.", "kl.", "HH.mm"),
    "en": ("EEEE d MMMM", "at", "HH:mm"),
}


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


# Everyone in a group gets the same reminder of the same session: texts and times are
# worked out once and remembered (both are pure functions of their arguments).
@lru_cache(maxsize=4096)
def when(moment: datetime, language: str, zone: ZoneInfo) -> str:
    """torstaina 11.3. klo 10.00 · torsdag 11.3. kl. 10.00 · Thursday 11 March at 10:00"""
    local = moment.astimezone(zone)
    date_pattern, word, time_pattern = _WHEN[language]
    day = format_date(local, date_pattern, locale=language)
    return f"{day} {word} {format_time(local, time_pattern, locale=language)}"


def render(kind: str, language: str, *, plain: bool, **context: object) -> Text:
    return _render(kind, language, plain, tuple(sorted(context.items())))


@lru_cache(maxsize=4096)
def _render(kind: str, language: str, plain: bool, context: tuple[tuple[str, object], ...]) -> Text:
    template = _TEMPLATES.get_template(f"{language}.{kind}.txt")
    subject, _, body = template.render(plain=plain, **dict(context)).partition("\n")
    lines = [line.rstrip() for line in body.splitlines()]
    return Text(subject=subject.strip(), body="\n".join(line for line in lines if line) + "\n")
