"""Composing a message about a group programme: an invite, update, cancellation or
reminder, about the whole series or one of its sessions."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.base import clock
from service.base.settings import Settings
from service.calendar import ics
from service.notifications import programme_calendar
from service.notifications.outgoing import (
    Outgoing,
    Skip,
    asks_for_reply,
    by_sms,
    client_when,
    to_client,
)
from service.notifications.render import render
from service.notifications.sql import queries


async def compose_programme(
    conn: asyncpg.Connection, settings: Settings, context: Any
) -> Skip | Outgoing:
    """What to send about the programme (or one session) a claimed message is about, or
    why nothing should go any more."""
    kind, now = context["kind"], clock.now()
    if kind != "cancellation":
        if context["enrolment_status"] != "enrolled":
            return Skip("the client is no longer enrolled")
        if context["cancelled_at"] is not None:
            return Skip("the programme was cancelled")
    occurrence = None
    if context["session_id"] is not None and context["starts_at"] is not None:
        occurrence = programme_calendar.session_occurrence(context)
        if kind in {"reminder", "update"} and occurrence.cancelled:
            return Skip("the session was cancelled")
        if kind in {"reminder", "update"} and occurrence.starts_at <= now:
            return Skip("the session has already started")
    series = None
    if kind != "reminder" or occurrence is None:
        rows = await queries.programme_occurrences(conn, programme_id=context["programme_id"])
        occurrences = programme_calendar.occurrences(rows, context, context["language"])
        series = programme_calendar.series(context, occurrences, context, settings)
    if occurrence is not None:
        moment = occurrence.starts_at
    else:
        assert series is not None
        upcoming = [
            o.starts_at for o in series.occurrences if not o.cancelled and o.starts_at > now
        ]
        moment = min(upcoming) if upcoming else series.occurrences[0].starts_at
    where: ics.Occurrence | ics.Series | None = occurrence if occurrence is not None else series
    assert where is not None
    own_place = occurrence is not None and context["session_location_name"] is not None
    words = {
        "title": context["title"],
        "when": client_when(moment, context, ZoneInfo(context["timezone"]), now),
        "place": where.location,
        "online_url": where.url,
        "phone": context["organiser_phone"],
        "whole": occurrence is None,
        "meeting": False,
        "changed": tuple(sorted(context["changes"] or ())),
    }
    if context["channel"] == "sms":
        words["reply_hint"] = asks_for_reply(settings, kind)
        place_name = context["session_location_name" if own_place else "location_name"]
        return by_sms(context, words, place_name=place_name)
    text = render(kind, context["language"], plain=context["plain_language"], **words)
    calendar, method = (
        programme_calendar.attachment(
            kind, series, occurrence, group_cancelled=context["cancelled_at"] is not None
        )
        if series
        else (None, None)
    )
    return to_client(context, text, calendar, method)
