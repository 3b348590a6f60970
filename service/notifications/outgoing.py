"""What composing a message yields (the e-mail or SMS to hand over, or why nothing goes),
and the pieces each kind of message is made of alike: the client's zone and time, a
place, the e-mail or SMS built from the words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from service.base.clock import HELSINKI
from service.base.settings import Settings
from service.notifications.mail_format import Email
from service.notifications.render import Text, sms, when


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Outgoing:
    email: Email | None = None
    sms_to: str | None = None
    sms_text: str | None = None


def place(name: str | None, address: str | None) -> str | None:
    """The name and the address joined by a comma, either alone, or None without both."""
    return ", ".join(part for part in (name, address) if part) or None


def client_zone(message: Any) -> ZoneInfo:
    """The client's own time zone, Finland's when they have not set one."""
    return ZoneInfo(message["client_timezone"]) if message["client_timezone"] else HELSINKI


def client_when(moment: datetime, message: Any, group_zone: ZoneInfo, now: datetime) -> str:
    """The moment as the client's own calendar shows it, in their zone."""
    zone = client_zone(message)
    return when(
        moment,
        message["language"],
        zone,
        year=now.astimezone(zone).year,
        group_zone=group_zone,
    )


def asks_for_reply(settings: Settings, kind: str) -> bool:
    """Whether an SMS of this kind ends with "Coming? Reply Y or N.": reminders and
    invites do once the gateway hands replies over (SMS_INBOUND_SECRET is set)."""
    return settings.sms_inbound_secret is not None and kind in {"reminder", "invite"}


def by_sms(context: Any, words: dict[str, Any], *, place_name: str | None) -> Outgoing:
    """The message's words as one SMS to the client's phone."""
    text = sms(
        context["kind"],
        context["language"],
        plain=context["plain_language"],
        place_name=place_name,
        **words,
    )
    return Outgoing(sms_to=context["phone"], sms_text=text)


def by_email(
    to: str,
    to_name: str | None,
    text: Text,
    calendar: bytes | None = None,
    method: str | None = None,
    reply_to: tuple[str, str] | None = None,
) -> Outgoing:
    """The rendered text as an e-mail, with a calendar attachment when there is one;
    `reply_to` is (name, address) of whoever should get a reply."""
    reply_name, reply_address = reply_to or (None, None)
    return Outgoing(
        email=Email(
            to=to,
            to_name=to_name,
            subject=text.subject,
            text=text.body,
            calendar=calendar,
            method=method,
            reply_to=reply_address,
            reply_to_name=reply_name,
        )
    )


def to_client(
    context: Any, text: Text, calendar: bytes | None = None, method: str | None = None
) -> Outgoing:
    """An e-mail to the message's client; a reply reaches their responsible worker (or
    the group's facilitator, or the meeting's coach) when they have one."""
    worker = (context["reply_name"], context["reply_email"]) if context["reply_email"] else None
    return by_email(context["email"], context["first_name"], text, calendar, method, worker)
