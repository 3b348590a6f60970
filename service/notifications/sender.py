"""Sending one outbox message: claim it, check it still holds, render, deliver, record.

The claim is an UPDATE in PostgreSQL, so however many queue jobs carry the same
message id (a double enqueue, a re-enqueue after Redis lost its queue), one
sender gets it. A sender that dies keeps its claim only for the lease; after
that the message is due again. Retries are rescheduled in the database too.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import asyncpg
import httpx

from service.base import clock
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

    async def send(self, message_id: str) -> str:
        """Deliver one message if it is due and nobody else has it; returns the outcome."""
        async with self.pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            message = await queries.claim(conn, id=message_id, lease=self.settings.send_lease)
            if message is None:
                return "not due, or handled already"
            try:
                ready = await self._prepare(conn, message)
            except Exception:  # a fault of ours: record it and try again later
                logger.exception("preparing message %s failed", message_id)
                return await self._retry(conn, message, _internal_error())
        if isinstance(ready, str):
            return ready
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
        async with self.pool.acquire() as proxy:
            conn = cast(asyncpg.Connection, proxy)
            if isinstance(failure, TransientFailure):
                return await self._retry(conn, message, failure)
            if failure is not None:
                logger.warning(
                    "message %s failed (%s): %s", message_id, failure.code or "-", failure
                )
                await self._finish(conn, message_id, "failed", failure.reason, failure.kind)
                return "failed"
            await self._finish(conn, message_id, "sent", None, "none", _what_went(message, ready))
        return "sent"

    async def _prepare(self, conn: asyncpg.Connection, message: Any) -> str | Outgoing:
        """What to send, or the outcome already recorded (skipped, postponed)."""
        message_id = message["id"]
        held = _quiet_hours(message, clock.now())
        if isinstance(held, Skip):
            await self._finish(conn, message_id, "skipped", held.reason)
            return "skipped"
        if held is not None:
            await queries.postpone(conn, id=message_id, at=held, reason="no SMS at night")
            return "postponed"
        outcome = await compose(conn, self.settings, message)
        if isinstance(outcome, Skip):
            await self._finish(conn, message_id, "skipped", outcome.reason)
            return "skipped"
        return outcome

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

    async def _finish(
        self,
        conn: asyncpg.Connection,
        message_id: str,
        status: str,
        reason: str | None,
        counted_as: str = "none",
        went: tuple[str | None, str | None] = (None, None),
    ) -> None:
        """Record the outcome; a message sent or failed counts, by `counted_as` (a
        FailureKind, or "none"), in the metrics in the same statement. A message sent
        keeps `went`, its (subject, text) as handed over."""
        subject, text = went
        await queries.finish(
            conn,
            id=message_id,
            status=status,
            reason=reason,
            counted_as=counted_as,
            shard=count_shard(),
            subject=subject,
            text=text,
        )

    async def _retry(
        self, conn: asyncpg.Connection, message: Any, failure: TransientFailure
    ) -> str:
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
            await self._finish(conn, message["id"], "failed", reason, failure.kind)
            return "failed"
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
