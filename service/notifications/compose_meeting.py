"""Composing a message about a one-to-one coaching meeting: a single calendar event
rather than a series."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any
from zoneinfo import ZoneInfo

from service.base import clock
from service.base.settings import Settings
from service.calendar import ics, texts
from service.notifications.labels import MEETING_TITLE
from service.notifications.outgoing import (
    Outgoing,
    Skip,
    asks_for_reply,
    by_sms,
    client_when,
    place,
    to_client,
)
from service.notifications.render import render


def compose_meeting(settings: Settings, context: Any) -> Skip | Outgoing:
    """A one-to-one coaching meeting: a single event rather than a series."""
    kind = context["kind"]
    if kind != "cancellation" and context["meeting_status"] == "cancelled":
        return Skip("the meeting was cancelled")
    if kind in {"reminder", "update"} and context["meeting_starts_at"] <= clock.now():
        return Skip("the meeting has already started")
    language = context["language"]
    where = place(context["meeting_location_name"], context["meeting_location_address"])
    phone = context["coach_phone"]
    moment, zone = context["meeting_starts_at"], ZoneInfo(context["meeting_timezone"])
    words = {
        "title": MEETING_TITLE[language],
        "when": client_when(moment, context, zone, clock.now()),
        "place": where,
        "online_url": context["meeting_online_url"],
        "phone": phone,
        "whole": False,
        "meeting": True,
        "changed": tuple(sorted(context["changes"] or ())),
    }
    if context["channel"] == "sms":
        words["reply_hint"] = asks_for_reply(settings, kind)
        return by_sms(context, words, place_name=context["meeting_location_name"])
    text = render(kind, language, plain=context["plain_language"], **words)
    calendar = None
    if kind != "reminder":
        event = ics.SingleEvent(
            uid=ics.uid("meeting", context["meeting_id"]),
            title=MEETING_TITLE[language],
            zone=context["meeting_timezone"],
            starts_at=context["meeting_starts_at"],
            ends_at=context["meeting_ends_at"],
            location=where,
            url=context["meeting_online_url"],
            description=texts.meeting(language, url=context["meeting_online_url"], phone=phone),
            sequence=context["meeting_revision"],
            changed_at=context["meeting_updated_at"],
            cancelled=kind == "cancellation",
        )
        sender_name, sender_address = parseaddr(settings.mail_from)
        attendee = ics.Person(context["email"], context["first_name"])
        calendar = ics.single_request(event, ics.Person(sender_address, sender_name), attendee)
    method = None if calendar is None else ("CANCEL" if kind == "cancellation" else "REQUEST")
    return to_client(context, text, calendar, method)
