"""Composing a claimed outbox message: to staff, about a coaching meeting, about a
group programme or answering a client's SMS reply, each by its own module; here what
they have in common, that the client can still be reached on the message's channel."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.base.settings import Settings
from service.notifications.compose_code import SUBJECT_TYPE as CODE
from service.notifications.compose_code import compose_code
from service.notifications.compose_follow_up import compose_follow_up
from service.notifications.compose_meeting import compose_meeting
from service.notifications.compose_notice import compose_notice
from service.notifications.compose_programme import compose_programme
from service.notifications.compose_reply import compose_reply
from service.notifications.outgoing import Outgoing, Skip
from service.notifications.page_link_message import compose_page_link


def unreachable(message: Any) -> Skip | None:
    """Why the client cannot get the message on its channel, if they cannot."""
    if message["channel"] == "email":
        if not message["email"]:
            return Skip("no e-mail address")
        if not message["email_ok"]:
            return Skip("no valid email_reminders consent")
    else:
        if not message["phone"]:
            return Skip("no phone number")
        # The one message that goes without the consent: the confirmation that it ended.
        confirms_opt_out = message["kind"] == "reply" and message["subject_type"] == "opt_out"
        if not message["sms_ok"] and not confirms_opt_out:
            return Skip("no valid sms_reminders consent")
    return None


async def compose(conn: asyncpg.Connection, settings: Settings, message: Any) -> Skip | Outgoing:
    """What to send for a claimed message now (it comes with its context), or why
    nothing should go."""
    if message["staff_id"] is not None:
        return await compose_notice(conn, message)
    if message["first_name"] is None:
        return Skip("the client record is gone")
    skip = unreachable(message)
    if skip is not None:
        return skip
    if message["subject_type"] == CODE:
        return await compose_code(conn, message)
    if message["kind"] == "reply":
        return compose_reply(message)
    if message["kind"] == "follow_up":
        return compose_follow_up(message)
    if message["kind"] == "page_link":
        return await compose_page_link(conn, message)
    if message["meeting_id"] is not None:
        return compose_meeting(settings, message)
    return await compose_programme(conn, settings, message)
