"""A visit to the personal part of a client's page: the live link behind the token,
the client's language (or the one asked for), and what every page of the part needs to
render; and what a request there comes to (`Outcome`), which routes.py turns into the
HTML answer with the /p/ headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.base import clock
from service.client_page import links, sessions
from service.client_page.form_tokens import form_token
from service.client_page.links import OpenLink
from service.composers.client_page import page, texts
from service.composers.client_page.sql import queries


@dataclass(frozen=True)
class Outcome:
    """A page (`html`, or `json` for the download) with its status, or a 303 to
    `location`; `cookie` is the personal part's new session secret to set."""

    status: int
    html: str = ""
    location: str | None = None
    cookie: str | None = None
    json: bytes | None = None
    retry_after: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Visit:
    token: str
    link: OpenLink
    language: str
    asked: str | None  # the ?lang= asked for, to keep in links and forms
    plain: bool
    first_name: str
    zone: ZoneInfo

    def action(self, path: str) -> str:
        """Where a form posts (the language travels in the form itself)."""
        return f"/p/{self.token}{path}"

    def url(self, path: str = "") -> str:
        """A link, keeping the language asked for."""
        query = f"?lang={self.asked}" if self.asked else ""
        return f"{self.action(path)}{query}"

    def render(self, template: str, **values: Any) -> str:
        return page.render(
            template,
            self.language,
            plain=self.plain,
            first_name=self.first_name,
            form_token=form_token(self.token, clock.now()),
            asked_language=self.asked,
            page_url=self.url(),
            me_url=self.url("/me"),
            **values,
        )

    def message(self, status: int, key: str, *, back: str | None = None, **values: Any) -> Outcome:
        text = texts.WORDS[self.language][key].format(**values)
        back_url = back or self.url("/me")
        return Outcome(
            status, page.render("message.html", self.language, message=text, back_url=back_url)
        )


async def begin(conn: asyncpg.Connection, token: str, asked: str | None) -> Visit | Outcome:
    link = await links.open_link(conn, token)
    if link is None:
        return Outcome(404, page.not_found(asked))
    client = await queries.client(conn, client_id=link.client_id)
    asked = asked if asked in texts.LANGUAGES else None
    return Visit(
        token=token,
        link=link,
        language=texts.language_of(asked, client["language"]),
        asked=asked,
        plain=bool(client["plain_language"]),
        first_name=client["first_name"],
        zone=ZoneInfo(client["timezone"]),
    )


async def begin_opened(
    conn: asyncpg.Connection, token: str, asked: str | None, cookie: str | None
) -> Visit | Outcome:
    """The visit when the link is live and the cookie opens its personal part; else the
    404 page, or back to where the code is asked for."""
    found = await begin(conn, token, asked)
    if isinstance(found, Outcome):
        return found
    if not await sessions.is_open(conn, found.link.id, cookie):
        return Outcome(303, location=found.url("/me"))
    return found
