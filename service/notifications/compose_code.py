"""A one-time code for the client's page, through the outbox: queued when the client
asks for it, composed when the sender claims it. Composing reads the digits and wipes
them from the database in one statement, so they are held only until then; a code
whose time has run out, or that a newer one replaced, is not sent at all."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.notifications.code_text import code_email, code_sms
from service.notifications.outgoing import Outgoing, Skip, by_email
from service.notifications.sql import queries

SUBJECT_TYPE = "page_code"


async def queue_code(conn: asyncpg.Connection, client_id: str, channel: str, code_id: str) -> None:
    """The code's message, due now, in the transaction that made the code."""
    await queries.insert_client_notice(
        conn, client_id=client_id, channel=channel, subject_type=SUBJECT_TYPE, subject_id=code_id
    )


async def compose_code(conn: asyncpg.Connection, context: Any) -> Skip | Outgoing:
    """The code's SMS or e-mail (the caller has checked the channel and its consent)."""
    code = await queries.take_code_text(conn, id=context["subject_id"])
    if code is None:
        return Skip("the code was sent already, replaced, used or has run out")
    if context["channel"] == "sms":
        return Outgoing(sms_to=context["phone"], sms_text=code_sms(context["language"], code))
    return by_email(context["email"], context["first_name"], code_email(context["language"], code))
