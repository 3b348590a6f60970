"""The client's page: what it shows (first name, coming sessions and meetings with the
client's answers, whom to contact, the calendar when a feed consent holds) and the
HTML it is rendered as. A forwarded link reveals no more than a calendar feed does."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import jinja2

from service.base import clock
from service.base.settings import Settings
from service.calendar import texts as calendar_texts
from service.client_page.form_tokens import form_token
from service.client_page.links import OpenLink
from service.composers.client_page import texts
from service.composers.client_page.calendar_link import CalendarHelp, calendar_help
from service.composers.client_page.sql import queries

HOME_ZONE = "Europe/Helsinki"
_TEMPLATES = Path(__file__).with_name("templates")
_PAGES = jinja2.Environment(
    loader=jinja2.FileSystemLoader(_TEMPLATES),
    undefined=jinja2.StrictUndefined,
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
# The page's only style, inline; its hash goes into the Content-Security-Policy.
STYLE = (_TEMPLATES / "page.css").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Occasion:
    kind: str  # "session" or "meeting": the form field is kind + "_id"
    id: str
    title: str
    when: list[str]
    theme: str | None
    place: str | None
    address: str | None
    online_url: str | None
    cancelled: bool
    started: bool
    answer: str | None


@dataclass(frozen=True)
class Memo:
    title: str
    when: list[str]
    paragraphs: list[str]


def memo(row: Mapping[str, Any], language: str, plain: bool, zone: ZoneInfo) -> Memo:
    """A facilitators' memo of a meeting of the client's group, as the client reads it."""
    number = calendar_texts.session(
        language, number=row["number"], total=row["weeks"], theme=None, url=None, phone=None
    )
    starts, ends = row["starts_at"].astimezone(zone), row["ends_at"].astimezone(zone)
    return Memo(
        title=f"{row['title']}: {number}",
        when=texts.when(language, plain, starts, ends),
        paragraphs=[part for part in row["text"].split("\n") if part.strip()],
    )


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str | None
    email: str | None


def occasion(row: Mapping[str, Any], language: str, plain: bool, zone: ZoneInfo) -> Occasion:
    """One session or meeting as the client reads it, in their own zone."""
    starts, ends = row["starts_at"].astimezone(zone), row["ends_at"].astimezone(zone)
    if row["kind"] == "session":
        number = calendar_texts.session(
            language, number=row["number"], total=row["weeks"], theme=None, url=None, phone=None
        )
        title = f"{row['title']}: {number}"
    else:
        title = calendar_texts.meeting_title(language)
    return Occasion(
        kind=row["kind"],
        id=row["id"],
        title=title,
        when=texts.when(language, plain, starts, ends),
        theme=row["theme"],
        place=row["location_name"],
        address=row["location_address"],
        online_url=row["online_url"],
        cancelled=row["status"] == "cancelled",
        started=row["starts_at"] <= clock.now(),
        answer=row["answer"],
    )


def render(template: str, language: str, **values: Any) -> str:
    return _PAGES.get_template(template).render(
        lang=language, words=texts.WORDS[language], style=STYLE, **values
    )


def refusal(language: str, message_key: str, back_url: str | None) -> str:
    """A short page saying why an answer or a link did not work, and what to do."""
    words = texts.WORDS[language]
    return render("message.html", language, message=words[message_key], back_url=back_url)


def not_found(language: str | None) -> str:
    """For an unknown, revoked or expired link: we do not know whose it was, so all
    three languages, the asked one first."""
    first = texts.language_of(language, "fi")
    order = [first, *(other for other in texts.LANGUAGES if other != first)]
    return render("not_found.html", first, languages=order, all_words=texts.WORDS)


@dataclass(frozen=True)
class Rendering:
    html: str
    # The next moment the page changes by time alone: something on it begins or ends,
    # or its link expires.
    changes_at: datetime


async def read_page(
    conn: asyncpg.Connection,
    settings: Settings,
    token: str,
    link: OpenLink,
    asked_language: str | None,
) -> Rendering:
    client = await queries.client(conn, client_id=link.client_id)
    language = texts.language_of(asked_language, client["language"])
    plain = bool(client["plain_language"])
    zone = ZoneInfo(client["timezone"])
    rows = await queries.coming(conn, client_id=link.client_id)
    workers = await queries.contacts(conn, client_id=link.client_id)
    memo_rows = await queries.memos(conn, client_id=link.client_id)
    contacts = [Contact(row["name"], row["phone"], row["email"]) for row in workers]
    calendar: CalendarHelp | None = None
    if client["calendar_consent"]:
        calendar = await calendar_help(conn, settings, token, link, texts.WORDS[language]["qr"])
    now = clock.now()
    moments = [m for row in rows for m in (row["starts_at"], row["ends_at"]) if m > now]
    html = render(
        "page.html",
        language,
        plain=plain,
        first_name=client["first_name"],
        zone=None if client["timezone"] == HOME_ZONE else client["timezone"],
        occasions=[occasion(row, language, plain, zone) for row in rows],
        contacts=contacts,
        memos=[memo(row, language, plain, zone) for row in memo_rows],
        calendar=calendar,
        form_token=form_token(token, clock.now()),
        rsvp_url=f"/p/{token}/rsvp",
        page_url=f"/p/{token}",
        languages=texts.LANGUAGES,
        asked_language=asked_language if asked_language in texts.LANGUAGES else None,
    )
    return Rendering(html, min([*moments, link.expires_at]))
