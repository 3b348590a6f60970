"""Sending one outbox message: claim it, check it still holds, render, deliver, record.

The claim is an UPDATE in PostgreSQL, so however many queue jobs carry the same
message id (a double enqueue, a re-enqueue after Redis lost its queue), one
sender gets it. A sender that dies keeps its claim only for the lease; after
that the message is due again. Retries are rescheduled in the database too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, cast

import asyncpg
import httpx

from service.base import clock
from service.base.batching import Coalescer
from service.base.settings import Settings
from service.notifications.compose import compose
from service.notifications.compose_code import SUBJECT_TYPE as CODE
from service.notifications.delivery_failures import (
    DeliveryFailure,
    PermanentFailure,
    TransientFailure,
)
from service.notifications.mail_format import build_email
from service.notifications.outgoing import Outgoing, Skip, client_zone
from service.notifications.rules import RETRY_FOR, count_shard, quiet_until, retry_at
from service.notifications.sms_gateway import send_sms
from service.notifications.smtp import SmtpPool
from service.notifications.sql import queries

logger = logging.getLogger("polku.messages")

# Handing one message over, whatever a server does: above the SMTP and HTTP timeouts,
# which bound each step, and below the job's timeout (workers/main.py), so the sender
# records a hang as a try that failed rather than being cancelled mid-way.
DELIVERY_TIMEOUT_SECONDS = 120
# Claims, and records of outcomes, that a worker's sends ask for at about the same moment
# go to PostgreSQL together, this many at most: a statement and its round trip for each
# send cost the worker more than the sending did. A batch starts at once while fewer
# than IN_FLIGHT are running, so a quiet worker waits for nothing.
BATCH = 100
IN_FLIGHT = 4


@dataclass(frozen=True)
class Outcome:
    """How one send ended, to record: `counted_as` a FailureKind or "none"; `subject`
    and `text` what went, for a message sent."""

    id: str
    status: str
    reason: str | None
    counted_as: str = "none"
    subject: str | None = None
    text: str | None = None


def _quiet_hours(message: Any, now: datetime) -> Skip | datetime | None:
    """An SMS that falls due at night (a retry, a worker that was away) waits until the
    morning, and a reminder whose event begins before then does not go at all. A
    one-time code goes at once: the client is waiting for it."""
    if message["subject_type"] == CODE:
        return None
    until = quiet_until(message["channel"], now, client_zone(message))
    if until is None:
        return None
    begins = message["starts_at"] or message["meeting_starts_at"]
    if message["kind"] == "reminder" and begins is not None and until >= begins:
        what = "session" if message["meeting_id"] is None else "meeting"
        return Skip(f"quiet hours last until the {what} begins")
    return until


@dataclass
class Sender:
    """What a worker needs to deliver messages."""

    pool: asyncpg.Pool
    settings: Settings
    http: httpx.AsyncClient
    smtp: SmtpPool | None = None
    deadline: float = DELIVERY_TIMEOUT_SECONDS
    _claims: Coalescer[str, Any] = field(init=False, repr=False)
    _outcomes: Coalescer[Outcome, None] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._claims = Coalescer(self._claim_batch, in_flight=IN_FLIGHT, max_batch=BATCH)
        self._outcomes = Coalescer(self._record_batch, in_flight=IN_FLIGHT, max_batch=BATCH)

    async def send(self, message_id: str) -> str:
        """Deliver one message if it is due and nobody else has it; returns the outcome."""
        message = await self._claims(message_id)
        if message is None:
            return "not due, or handled already"
        # No connection is held while an outcome waits for its batch: a batch needs one.
        try:
            async with self.pool.acquire() as proxy:
                ready = await self._prepare(cast(asyncpg.Connection, proxy), message)
        except Exception:  # a fault of ours: record it and try again later
            logger.exception("preparing message %s failed", message_id)
            return await self._retry(message, _internal_error())
        if isinstance(ready, Skip):
            await self._outcomes(Outcome(message_id, "skipped", ready.reason))
            return "skipped"
        if ready is None:
            return "postponed"
        # No connection is held while the message travels: a slow server must not starve
        # the pool, nor outlive the connection that is to record the outcome.
        failure: DeliveryFailure | None = None
        try:
            await self._deliver(message, ready)
        except DeliveryFailure as error:
            failure = error
        except Exception:  # a fault of ours: record it and try again later
            logger.exception("sending message %s failed", message_id)
            failure = _internal_error()
        if isinstance(failure, TransientFailure):
            return await self._retry(message, failure)
        if failure is not None:
            logger.warning("message %s failed (%s): %s", message_id, failure.code or "-", failure)
            await self._outcomes(Outcome(message_id, "failed", failure.reason, failure.kind))
            return "failed"
        subject, text = _what_went(message, ready)
        await self._outcomes(Outcome(message_id, "sent", None, subject=subject, text=text))
        return "sent"

    async def _claim_batch(self, message_ids: list[str]) -> list[Any]:
        """Each id's message, claimed, or None. Two jobs of one worker may carry the same
        message (a job per attempt): only the first asking gets it."""
        async with self.pool.acquire() as conn:
            rows = await queries.claim(conn, ids=message_ids, lease=self.settings.send_lease)
        claimed = {row["id"]: row for row in rows}
        return [claimed.pop(message_id, None) for message_id in message_ids]

    async def _record_batch(self, outcomes: list[Outcome]) -> list[None]:
        async with self.pool.acquire() as conn:
            await queries.finish(
                conn,
                ids=[o.id for o in outcomes],
                statuses=[o.status for o in outcomes],
                reasons=[o.reason for o in outcomes],
                counted_as=[o.counted_as for o in outcomes],
                subjects=[o.subject for o in outcomes],
                texts=[o.text for o in outcomes],
                shard=count_shard(),
            )
        return [None] * len(outcomes)

    async def _prepare(self, conn: asyncpg.Connection, message: Any) -> Outgoing | Skip | None:
        """What to send, why nothing is (to record), or None when the message was
        postponed (recorded already)."""
        held = _quiet_hours(message, clock.now())
        if isinstance(held, Skip):
            return held
        if held is not None:
            await queries.postpone(conn, id=message["id"], at=held, reason="no SMS at night")
            return None
        return await compose(conn, self.settings, message)

    async def _deliver(self, message: Any, outgoing: Outgoing) -> None:
        try:
            async with asyncio.timeout(self.deadline):
                await self._hand_over(message, outgoing)
        except TimeoutError as error:
            server = "the mail server" if outgoing.email is not None else "the SMS gateway"
            raise TransientFailure(
                f"{server} did not answer within {self.deadline:g} seconds",
                lasting=f"{server} did not answer",
                kind="timeout",
            ) from error

    async def _hand_over(self, message: Any, outgoing: Outgoing) -> None:
        if outgoing.email is not None:
            if self.smtp is None:
                raise PermanentFailure(
                    "no SMTP server configured (SMTP_URL)", kind="not_configured"
                )
            email = build_email(
                outgoing.email, sender=self.settings.mail_from, message_id=message["id"]
            )
            await self.smtp.send(email)
        elif outgoing.sms_to is not None and outgoing.sms_text is not None:
            if not self.settings.sms_gateway_url:
                raise PermanentFailure(
                    "no SMS gateway configured (SMS_GATEWAY_URL)", kind="not_configured"
                )
            await send_sms(
                self.settings.sms_gateway_url,
                self.http,
                to=outgoing.sms_to,
                text=outgoing.sms_text,
                message_id=message["id"],
            )

    async def _retry(self, message: Any, failure: TransientFailure) -> str:
        """Due again after a wait, or failed once the message's retries have run out."""
        now = clock.now()
        until = message["retry_until"] or now + RETRY_FOR
        at = retry_at(message["attempts"], message["channel"], now, client_zone(message), until)
        code = failure.code or "-"
        if at is None:
            reason = f"{failure.lasting} for {RETRY_FOR // timedelta(hours=1)} hours"
            logger.warning(
                "message %s failed after %d tries (%s): %s",
                message["id"],
                message["attempts"],
                code,
                reason,
            )
            await self._outcomes(Outcome(message["id"], "failed", reason, failure.kind))
            return "failed"
        async with self.pool.acquire() as conn:
            await queries.retry_later(
                conn,
                id=message["id"],
                at=at,
                reason=failure.reason,
                until=until,
                counted_as=failure.kind,
                shard=count_shard(),
            )
        logger.info(
            "message %s not delivered (%s): %s; tried again at %s",
            message["id"],
            code,
            failure,
            at.isoformat(timespec="seconds"),
        )
        return "retry"


def _what_went(message: Any, outgoing: Outgoing) -> tuple[str | None, str | None]:
    """What the client was told, to keep for their export: an e-mail's subject and plain
    text, or the SMS text, exactly as handed over. Nothing of a message that carried a
    secret (a one-time code, a page link): those are wiped once they go, not kept here."""
    if message["subject_type"] == CODE or message["kind"] == "page_link":
        return None, None
    if outgoing.email is not None:
        return outgoing.email.subject, outgoing.email.text
    return None, outgoing.sms_text


def _internal_error() -> TransientFailure:
    return TransientFailure(
        "an error in Polku stopped the sending",
        lasting="an error in Polku kept the message from going",
        kind="internal",
    )
