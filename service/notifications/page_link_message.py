"""The message that carries a client's page link: queued when a worker sends the link
(now, or for an SMS after the night), composed when it goes. The link waits beside the
message only until then (migration 0024); a link rotated or revoked in between is never
sent. Consent and address are checked when the message goes, as for every message."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.base import clock
from service.notifications.outgoing import Outgoing, Skip, by_email, client_zone
from service.notifications.page_link_text import email_text, sms_text
from service.notifications.rules import send_time
from service.notifications.sql import queries


async def queue(
    conn: asyncpg.Connection,
    *,
    client_id: str,
    channel: str,
    timezone: str,
    page_link_id: str,
    url: str,
) -> datetime:
    """Queue the link on `channel`; returns when it is to go."""
    at = send_time(channel, clock.now(), ZoneInfo(timezone))
    await queries.insert_page_link_message(
        conn,
        client_id=client_id,
        channel=channel,
        scheduled_for=at,
        page_link_id=page_link_id,
        url=url,
    )
    return at


async def compose_page_link(conn: asyncpg.Connection, context: Any) -> Skip | Outgoing:
    """The SMS or e-mail with the link, while the link is live."""
    link = await queries.page_link_of_message(conn, message_id=context["id"])
    if link is None:
        return Skip("the page link was replaced, revoked or has expired")
    language, plain = context["language"], bool(context["plain_language"])
    if context["channel"] == "sms":
        short = sms_text(language, plain, context["first_name"], link["url"])
        return Outgoing(sms_to=context["phone"], sms_text=short)
    until = link["expires_at"].astimezone(client_zone(context)).date()
    text = email_text(language, plain, context["first_name"], link["url"], until)
    return by_email(context["email"], context["first_name"], text)
