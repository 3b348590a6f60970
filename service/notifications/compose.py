"""Composing a claimed outbox message: to staff, about a coaching meeting or about a
group programme, each by its own module; here what they have in common, that the client
can still be reached on the message's channel."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.base.settings import Settings
from service.notifications.compose_code import SUBJECT_TYPE as CODE
from service.notifications.compose_code import compose_code
from service.notifications.compose_meeting import compose_meeting
from service.notifications.compose_notice import compose_notice
from service.notifications.compose_programme import compose_programme
from service.notifications.outgoing import Outgoing, Skip


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
        if not message["sms_ok"]:
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
    if message["meeting_id"] is not None:
        return compose_meeting(settings, message)
    return await compose_programme(conn, settings, message)
