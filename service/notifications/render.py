"""Message texts from templates, in Finnish, Swedish or English, plain when asked."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import gsm0338  # type: ignore[import-untyped]  # noqa: F401  (the "gsm03.38" codec)
import jinja2
from anyascii import anyascii
from babel.dates import format_date, format_time, get_timezone_location

_TEMPLATES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).with_name("templates")),
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
    autoescape=False,  # plain text, never HTML  # noqa: S701
    auto_reload=False,  # the templates ship with the code: no stat() per message
)
# (date pattern, the same with the year, word before the time, time pattern) as people
# write them. Finnish weekdays come from _ESSIVE: CLDR's own forms read "sunnuntai" for
# Sunday and "maanantaina" for the rest.
_WHEN = {
    "fi": ("d.M.", "d.M.yyyy", "klo", "H.mm"),
    "sv": ("EEEE d.M.", "EEEE d.M.yyyy", "kl.", "HH.mm"),
    "en": ("EEEE d MMMM", "EEEE d MMMM yyyy", "at", "HH:mm"),
}
_ESSIVE = (
    "maanantaina",
    "tiistaina",
    "keskiviikkona",
    "torstaina",
    "perjantaina",
    "lauantaina",
    "sunnuntaina",
)
SMS_LENGTH = 160  # one SMS of GSM-7 characters
TWO_SMS_LENGTH = 2 * 153  # two, joined: each carries a 7-septet header


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


# Everyone in a group gets the same reminder of the same session: texts and times are
# worked out once and remembered (both are pure functions of their arguments).
@lru_cache(maxsize=4096)
def when(
    moment: datetime,
    language: str,
    zone: ZoneInfo,
    *,
    year: int,
    group_zone: ZoneInfo | None = None,
) -> str:
    """torstaina 11.3. klo 10.00 · torsdag 11.3. kl. 10.00 · Thursday 11 March at 10:00,
    in the reader's `zone`. A date outside `year` (the message's own) carries its year;
    a time whose clock differs in `group_zone` (where the group meets) names the zone,
    so that it reads as the reader's calendar shows it."""
    local = moment.astimezone(zone)
    date_pattern, with_year, word, time_pattern = _WHEN[language]
    day = format_date(local, date_pattern if local.year == year else with_year, locale=language)
    if language == "fi":
        day = f"{_ESSIVE[local.weekday()]} {day}"
    text = f"{day} {word} {format_time(local, time_pattern, locale=language)}"
    if group_zone is not None and moment.astimezone(group_zone).utcoffset() != local.utcoffset():
        text += f" ({get_timezone_location(zone, locale=language)})"
    return text


def render(kind: str, language: str, *, plain: bool, **context: object) -> Text:
    return _render(kind, language, plain, tuple(sorted(context.items())))


@lru_cache(maxsize=4096)
def _render(kind: str, language: str, plain: bool, context: tuple[tuple[str, object], ...]) -> Text:
    template = _TEMPLATES.get_template(f"{language}.{kind}.txt")
    subject, _, body = template.render(plain=plain, **dict(context)).partition("\n")
    lines = [line.rstrip() for line in body.splitlines()]
    return Text(subject=subject.strip(), body="\n".join(line for line in lines if line) + "\n")


def sms(kind: str, language: str, *, plain: bool, place_name: str | None, **context: Any) -> str:
    """The body as one SMS: GSM-7 characters only (others as their nearest Latin letters),
    160 at most. What does not fit goes, the least needed first: the street address,
    whom to call, the online link, the place; then the title is shortened; an update's
    new place, last, loses its street address. A text that ends with a reply hint
    ("Tuletko? Vastaa K tai E.") keeps it, in a second segment only when it must."""
    context = {k: gsm7(v).strip() if isinstance(v, str) else v for k, v in context.items()}
    place_name = gsm7(place_name).strip() if place_name else None
    stages = list(_shorter(context, place_name))
    limits = (SMS_LENGTH, TWO_SMS_LENGTH) if context.get("reply_hint") else (SMS_LENGTH,)
    for limit in limits:
        fitted = _fitted(kind, language, plain, stages, place_name, limit)
        if fitted is not None:
            return fitted
    # Whole lines go from the end rather than any being cut: half a link leads nowhere.
    last = stages[-1]
    shortest = {**last, "place": place_name or last.get("place")}
    shortest["title"] = list(_shortened(str(last.get("title", ""))))[-1]
    lines = _sms_text(kind, language, plain, shortest).split("\n")
    while len(lines) > 1 and gsm7_length("\n".join(lines)) > SMS_LENGTH:
        lines.pop()
    return "\n".join(lines).encode("gsm03.38")[:SMS_LENGTH].decode("gsm03.38", errors="ignore")


def _fitted(
    kind: str,
    language: str,
    plain: bool,
    stages: list[dict[str, Any]],
    place_name: str | None,
    limit: int,
) -> str | None:
    """The fullest of the ever shorter texts that is at most `limit` septets long."""
    for stage in stages:
        text = _sms_text(kind, language, plain, stage)
        if gsm7_length(text) <= limit:
            return text
    last = stages[-1]
    for stage in (last, {**last, "place": place_name or last.get("place")}):
        titles = list(_shortened(str(stage.get("title", ""))))
        # The longest title that fits; shorter titles make shorter texts.
        low, high = 0, len(titles)
        while low < high:
            middle = (low + high) // 2
            text = _sms_text(kind, language, plain, {**stage, "title": titles[middle]})
            if gsm7_length(text) <= limit:
                high = middle
            else:
                low = middle + 1
        if low < len(titles):
            return _sms_text(kind, language, plain, {**stage, "title": titles[low]})
    return None


def _sms_text(kind: str, language: str, plain: bool, context: dict[str, Any]) -> str:
    return gsm7(render(kind, language, plain=plain, **context).body.rstrip("\n"))


def _shorter(context: dict[str, Any], place_name: str | None) -> Iterator[dict[str, Any]]:
    """The context as given, then with less and less in it; an update keeps what it is
    about (its new place, its new link)."""
    yield context
    changed = context.get("changed", ())
    for name, value in (
        ("place", place_name),
        ("phone", None),
        ("online_url", None),
        ("place", None),
    ):
        if {"place": "place", "online_url": "link"}.get(name) in changed:
            continue
        if name in context and context[name] != value:
            context = {**context, name: value}
            yield context


def _shortened(title: str) -> Iterator[str]:
    """`title`, then ever shorter beginnings of it, cut between words where it has them."""
    yield title
    for keep in range(len(title) - 1, 0, -1):
        start = title[:keep]
        words = start.rsplit(" ", 1)[0] if " " in start else start
        yield words.rstrip(" ,.-") + "..."


def gsm7(text: str) -> str:
    """`text` in the GSM 03.38 alphabet that every phone shows: a character outside it
    becomes its nearest Latin letters (Š → S, – → -), pictures (emoji) go."""
    kept = []
    for character in unicodedata.normalize("NFC", text):
        if _in_gsm7(character):
            kept.append(character)
        elif unicodedata.category(character) != "So":
            kept.append("".join(c for c in anyascii(character) if _in_gsm7(c)))
    return re.sub(" {2,}", " ", "".join(kept))


def gsm7_length(text: str) -> int:
    """Septets: the characters of GSM's extension table ([]{}€…) take two."""
    return len(text.encode("gsm03.38"))


@lru_cache(maxsize=1024)
def _in_gsm7(character: str) -> bool:
    try:
        character.encode("gsm03.38")
    except UnicodeEncodeError:
        return False
    return True
