"""One SMS reply, handled once: matched to the client whose number it came from, then
taken as an answer to the session or meeting their latest SMS was about (or, when that
was the six-month follow-up question, as its answer), as an opt-out, or as a message
that reaches their workers as a notice. A reply that cannot be tied to
one client and one coming occasion is forwarded to a person rather than guessed at."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from service.base import clock
from service.base.errors import InvalidInput
from service.base.phones import e164
from service.client_page import answers
from service.clients import consents
from service.composers.sms_replies import words
from service.composers.sms_replies.sql import queries
from service.composers.sms_replies.types import HandledAs, InboundSms
from service.notifications import outbox
from service.outcomes import follow_ups
from service.outcomes import rules as outcome_rules

# A gateway may hand a reply over late (it was down), but not this late or this early:
# a day-old "K" may be about a session that has come and gone.
CLOCK_SKEW = timedelta(days=1)
# Messages sent to two clients sharing a phone this close together (one group's
# reminders, say) do not tell which of them replied.
SAME_SENDING = timedelta(minutes=10)
FORWARDED_TEXT_LENGTH = 1000
OPT_OUT_REASON = "The client replied STOP by SMS"


@dataclass(frozen=True)
class Sender:
    client_id: str
    message_id: str | None
    sent_at: datetime | None
    # When that latest message was the six-month follow-up question: which one.
    follow_up_id: str | None = None


def the_sender(senders: Sequence[Sender]) -> Sender | None:
    """Which of the clients with the number replied: the only one, or the one whose
    latest SMS is clearly the latest (`senders` come latest first); None when the
    messages do not tell them apart."""
    if len(senders) == 1:
        return senders[0]
    latest, next_latest = senders[0], senders[1]
    if latest.sent_at is None:
        return None
    if next_latest.sent_at is not None and latest.sent_at - next_latest.sent_at < SAME_SENDING:
        return None
    return latest


async def handle(conn: asyncpg.Connection, reply: InboundSms, request_id: str | None) -> HandledAs:
    received_at = reply.received_at or clock.now()
    if abs(received_at - clock.now()) > CLOCK_SKEW:
        raise InvalidInput("received_at", "must be within a day of now")
    inbound_id = await queries.claim(conn, gateway_id=reply.id, received_at=received_at)
    if inbound_id is None:
        return "duplicate"
    phone = e164(reply.sender)
    rows = await queries.senders(conn, phone=phone) if phone else []
    if not rows:
        return "unknown_sender"  # as claimed: nothing of the number is kept
    senders = [
        Sender(r["client_id"], r["message_id"], r["sent_at"], r["follow_up_id"]) for r in rows
    ]
    meaning = words.meaning(reply.text)
    sender = the_sender(senders)
    if meaning == "opt_out":
        await _opt_out(conn, inbound_id, senders, sender or senders[0], request_id)
        return "opt_out"
    if sender and await _answered_follow_up(conn, inbound_id, sender, reply.text, request_id):
        return "follow_up"
    if meaning in {"coming", "not_coming"} and sender and sender.message_id:
        occasion = await queries.named_occasion(conn, message_id=sender.message_id)
        if occasion is not None:
            await _answer(conn, inbound_id, sender.client_id, meaning, occasion, request_id)
            return "rsvp"
    await _forward(conn, inbound_id, [sender] if sender else senders, reply.text, request_id)
    return "forwarded"


async def _answered_follow_up(
    conn: asyncpg.Connection, inbound_id: str, sender: Sender, text: str, request_id: str | None
) -> bool:
    """A number (1–4) replying to the six-month follow-up question, recorded as the
    client's answer; False for anything else."""
    situation = outcome_rules.reply_situation(text)
    if situation is None or sender.follow_up_id is None:
        return False
    if not await follow_ups.answered_by_client(conn, sender.follow_up_id, situation):
        return False
    await queries.audit_reply(
        conn,
        client_id=sender.client_id,
        action="follow_up.answer",
        inbound_sms_id=inbound_id,
        request_id=request_id,
    )
    await queries.settle(
        conn, id=inbound_id, handled_as="follow_up", client_id=sender.client_id, text=None
    )
    return True


async def _answer(
    conn: asyncpg.Connection,
    inbound_id: str,
    client_id: str,
    answer: Any,
    occasion: Any,
    request_id: str | None,
) -> None:
    session_id, meeting_id = occasion["session_id"], occasion["meeting_id"]
    await answers.record(
        conn,
        client_id,
        answer,
        session_id=session_id,
        meeting_id=meeting_id,
        via="sms",
        request_id=request_id,
    )
    await outbox.reply_to_client(
        conn,
        client_id,
        answer,
        programme_id=occasion["programme_id"],
        session_id=session_id,
        meeting_id=meeting_id,
    )
    await queries.settle(conn, id=inbound_id, handled_as="rsvp", client_id=client_id, text=None)


async def _opt_out(
    conn: asyncpg.Connection,
    inbound_id: str,
    senders: Sequence[Sender],
    confirmed_to: Sender,
    request_id: str | None,
) -> None:
    """Nothing more by SMS to anyone with the number: whoever sent STOP owns the phone.
    One confirmation goes, in the language of the client who most likely replied."""
    for sender in senders:
        await consents.revoke_by_client(
            conn, sender.client_id, "sms_reminders", OPT_OUT_REASON, request_id
        )
    await outbox.reply_to_client(conn, confirmed_to.client_id, "opt_out")
    await queries.settle(
        conn, id=inbound_id, handled_as="opt_out", client_id=confirmed_to.client_id, text=None
    )


async def _forward(
    conn: asyncpg.Connection,
    inbound_id: str,
    senders: Sequence[Sender],
    text: str,
    request_id: str | None,
) -> None:
    """The text as a notice to each possible sender's workers; kept with the reply, so
    it is never lost even when nobody can be told."""
    client_ids = [sender.client_id for sender in senders]
    readers = await queries.workers_to_tell(conn, client_ids=client_ids)
    await queries.settle(
        conn,
        id=inbound_id,
        handled_as="forwarded",
        client_id=client_ids[0] if len(client_ids) == 1 else None,
        text=text[:FORWARDED_TEXT_LENGTH],
    )
    await queries.insert_notices(
        conn,
        inbound_sms_id=inbound_id,
        client_ids=[row["client_id"] for row in readers],
        staff_ids=[row["staff_id"] for row in readers],
    )
    for client_id in client_ids:
        await queries.audit_reply(
            conn,
            client_id=client_id,
            action="sms.forward",
            inbound_sms_id=inbound_id,
            request_id=request_id,
        )
