"""Staff send a client their page link by SMS or e-mail: a fresh link (the earlier one
stops working at once, as when a link is given), queued in the outbox on the channel the
client consented to, in their language and plain language when set. The staff member
never sees the link itself."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import asyncpg
import msgspec

from service.base import audit
from service.base.errors import Conflict, FieldError, InvalidInput, Problem
from service.base.fields import Body
from service.base.identity import Actor
from service.base.reach import require_reach
from service.base.settings import Settings
from service.client_page import links
from service.composers.client_page.page_links import page_url
from service.composers.client_page.sql import queries
from service.notifications import page_link_message

Channel = Literal["sms", "email"]
_CONSENT = {"sms": "sms_reminders", "email": "email_reminders"}


class PageLinkSendIn(Body):
    channel: Channel


class PageLinkSent(msgspec.Struct, kw_only=True):
    channel: Channel
    scheduled_for: datetime  # when the message goes: now, or for an SMS after the night
    expires_at: datetime


class ChannelNotConsented(Conflict):
    """The client has not consented to messages on this channel: a 409 naming it."""

    def __init__(self, channel: str) -> None:
        super().__init__(f"channel: the client has no valid {_CONSENT[channel]} consent")
        self.errors = [FieldError("channel", f"needs a valid {_CONSENT[channel]} consent")]

    def problem(self) -> Problem:
        problem = super().problem()
        problem.errors = self.errors
        return problem


async def send_link(
    conn: asyncpg.Connection, settings: Settings, actor: Actor, client_id: str, channel: Channel
) -> PageLinkSent:
    await require_reach(conn, actor, client_id, "client_page.link_send", lock=True)
    if not await queries.has_page_consent(conn, client_id=client_id):
        raise Conflict(
            "the client has no valid client_page consent, or the client relationship is closed"
        )
    client = await queries.page_link_channels(conn, client_id=client_id)
    if channel == "sms" and not client["phone"]:
        raise InvalidInput("channel", "the client has no phone number")
    if channel == "email" and not client["email"]:
        raise InvalidInput("channel", "the client has no e-mail address")
    if not client[f"{channel}_ok"]:
        raise ChannelNotConsented(channel)
    issued = await links.issue_link(conn, client_id, actor.id)
    at = await page_link_message.queue(
        conn,
        client_id=client_id,
        channel=channel,
        timezone=client["timezone"],
        page_link_id=issued.id,
        url=page_url(settings, issued.token),
    )
    await audit.log_action(
        conn,
        actor,
        "client_page.link_send",
        client_id=client_id,
        detail={"channel": channel},
    )
    return PageLinkSent(channel=channel, scheduled_for=at, expires_at=issued.expires_at)
