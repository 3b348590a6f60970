"""Composing a notice to staff: an e-mail about a change to a referral they made."""

from __future__ import annotations

from typing import Any

import asyncpg

from service.base.clock import HELSINKI, today_in_finland
from service.notifications.labels import REFERRAL_STATUS_FI
from service.notifications.outgoing import Outgoing, Skip, by_email
from service.notifications.render import render, when
from service.notifications.sql import queries


async def compose_notice(conn: asyncpg.Connection, context: Any) -> Skip | Outgoing:
    """An e-mail to staff about a change to their referral; it names no client."""
    if not context["staff_active"]:
        return Skip("the staff account is no longer active")
    if context["subject_type"] != "referral_event":
        return Skip(f"no notice for {context['subject_type']}")
    event = await queries.referral_notice(conn, event_id=context["subject_id"])
    if event is None:
        return Skip("the referral is gone")
    status = event["to_status"]
    text = render(
        "notice",
        "fi",
        plain=False,
        target=event["target_name"],
        status_fi=REFERRAL_STATUS_FI[status],
        status_en=status.replace("-", " "),
        when=when(event["at"], "fi", HELSINKI, year=today_in_finland().year),
        referral_id=event["referral_id"],
    )
    return by_email(context["staff_email"], context["staff_name"], text)
