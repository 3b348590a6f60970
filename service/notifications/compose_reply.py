"""Composing the answer to a client's SMS reply: that their "yes" or "no" was noted for
the session or meeting it was about, or the one confirmation that no more text messages
will come."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from service.base import clock
from service.notifications.labels import MEETING_TITLE
from service.notifications.outgoing import Outgoing, Skip, by_sms, client_when


def compose_reply(context: Any) -> Skip | Outgoing:
    answer = context["subject_type"]
    if answer == "opt_out":
        return by_sms(context, {"answer": answer, "title": "", "when": ""}, place_name=None)
    if context["meeting_id"] is not None:
        title = MEETING_TITLE[context["language"]]
        moment, zone = context["meeting_starts_at"], context["meeting_timezone"]
    else:
        title, moment, zone = context["title"], context["starts_at"], context["timezone"]
    if moment is None:
        return Skip("the session or meeting is gone")
    when = client_when(moment, context, ZoneInfo(zone), clock.now())
    return by_sms(context, {"answer": answer, "title": title, "when": when}, place_name=None)
