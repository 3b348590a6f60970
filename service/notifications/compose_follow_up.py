"""Composing the six-month follow-up question: by SMS, answered with a number; by
e-mail, answered to the worker (the e-mail's Reply-To)."""

from __future__ import annotations

from typing import Any

from service.notifications.outgoing import Outgoing, by_sms, to_client
from service.notifications.render import render


def compose_follow_up(context: Any) -> Outgoing:
    words = {"first_name": context["first_name"], "sms": context["channel"] == "sms"}
    if context["channel"] == "sms":
        return by_sms(context, words, place_name=None)
    text = render("follow_up", context["language"], plain=context["plain_language"], **words)
    return to_client(context, text)
