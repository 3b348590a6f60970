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
from email.utils import parseaddr
from typing import Any, cast
from zoneinfo import ZoneInfo

import asyncpg
import httpx

from service.base import clock
from service.base.clock import HELSINKI, today_in_finland
from service.base.settings import Settings
from service.calendar import ics, texts
from service.notifications.delivery_failures import (
    DeliveryFailure,
    PermanentFailure,
    TransientFailure,
)
from service.notifications.mail_format import Email, build_email
from service.notifications.render import render, sms, when
from service.notifications.rules import RETRY_FOR, quiet_until, retry_at
from service.notifications.sms_gateway import send_sms
from service.notifications.smtp import SmtpPool
from service.notifications.sql import queries

logger = logging.getLogger("polku.messages")

# Handing one message over, whatever a server does: above the SMTP and HTTP timeouts,
# which bound each step, and below the job's timeout (workers/main.py), so the sender
# records a hang as a try that failed rather than being cancelled mid-way.
DELIVERY_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Skip:
    reason: str


@dataclass(frozen=True)
class Outgoing:
    email: Email | None = None
    sms_to: str | None = None
    sms_text: str | None = None


def _place(name: str | None, address: str | None) -> str | None:
    return ", ".join(part for part in (name, address) if part) or None


def _occurrence(row: Any, programme: Any, description: str | None = None) -> ics.Occurrence:
    own_place = row["location_name"] is not None
    return ics.Occurrence(
        planned_start=row["planned_starts_at"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        location=_place(row["location_name"], row["location_address"])
        if own_place
        else _place(programme["location_name"], programme["location_address"]),
        url=row["online_url"] or programme["online_url"],
        description=description,
        cancelled=row["status"] == "cancelled",
        revision=row["revision"],
        changed_at=row["updated_at"],
    )


def _occurrences(rows: list[Any], programme: Any, language: str) -> list[ics.Occurrence]:
    """Each meeting of the series, described in the client's language: one with a theme
    as that meeting of the group, the others as the series is."""
    phone = programme["organiser_phone"]
    occurrences = []
    for row in rows:
        url = row["online_url"] or programme["online_url"]
        if row["theme"]:
            description = texts.session(
                language,
                number=row["number"],
                total=len(rows),
                theme=row["theme"],
                url=url,
                phone=phone,
            )
        else:
            description = texts.series(language, url=url, phone=phone)
        occurrences.append(_occurrence(row, programme, description))
    return occurrences


def _series(
    programme: Any, occurrences: list[ics.Occurrence], client: Any, settings: Settings
) -> ics.Series:
    sender_name, sender_address = parseaddr(settings.mail_from)
    phone = programme["organiser_phone"]
    description = texts.series(client["language"], url=programme["online_url"], phone=phone)
    return ics.Series(
        uid=ics.uid("programme", programme["programme_id"]),
        title=programme["title"],
        zone=programme["timezone"],
        duration=timedelta(minutes=programme["duration_minutes"]),
        location=_place(programme["location_name"], programme["location_address"]),
        url=programme["online_url"],
        description=description,
        sequence=programme["ical_sequence"],
        changed_at=programme["updated_at"],
        occurrences=occurrences,
        organizer=ics.Person(sender_address, programme["organisation"] or sender_name),
        attendee=ics.Person(client["email"], client["first_name"]) if client["email"] else None,
    )


def _zone(message: Any) -> ZoneInfo:
    return ZoneInfo(message["client_timezone"]) if message["client_timezone"] else HELSINKI


def _when(moment: datetime, message: Any, group_zone: ZoneInfo, now: datetime) -> str:
    """The moment as the client's own calendar shows it, in their zone."""
    zone = _zone(message)
    return when(
        moment,
        message["language"],
        zone,
        year=now.astimezone(zone).year,
        group_zone=group_zone,
    )


def _quiet_hours(message: Any, now: datetime) -> Skip | datetime | None:
    """An SMS that falls due at night (a retry, a worker that was away) waits until the
    morning, and a reminder whose event begins before then does not go at all."""
    until = quiet_until(message["channel"], now, _zone(message))
    if until is None:
        return None
    begins = message["starts_at"] or message["meeting_starts_at"]
    if message["kind"] == "reminder" and begins is not None and until >= begins:
        what = "session" if message["meeting_id"] is None else "meeting"
        return Skip(f"quiet hours last until the {what} begins")
    return until


async def _reachable(message: Any, client: Any) -> Skip | None:
    if message["channel"] == "email":
        if not client["email"]:
            return Skip("no e-mail address")
        if not client["email_ok"]:
            return Skip("no valid email_reminders consent")
    else:
        if not client["phone"]:
            return Skip("no phone number")
        if not client["sms_ok"]:
            return Skip("no valid sms_reminders consent")
    return None


async def compose(conn: asyncpg.Connection, settings: Settings, message: Any) -> Skip | Outgoing:
    """What to send for a claimed message now (it comes with its context), or why
    nothing should go."""
    context = message
    if context["staff_id"] is not None:
        return await _compose_notice(conn, context)
    if context["first_name"] is None:
        return Skip("the client record is gone")
    unreachable = await _reachable(message, context)
    if unreachable is not None:
        return unreachable
    if context["meeting_id"] is not None:
        return _compose_meeting(settings, context)
    kind, now = message["kind"], clock.now()
    if kind != "cancellation":
        if context["enrolment_status"] != "enrolled":
            return Skip("the client is no longer enrolled")
        if context["cancelled_at"] is not None:
            return Skip("the programme was cancelled")
    occurrence = None
    if context["session_id"] is not None and context["starts_at"] is not None:
        occurrence = _occurrence(
            {
                "planned_starts_at": context["planned_starts_at"],
                "starts_at": context["starts_at"],
                "ends_at": context["ends_at"],
                "location_name": context["session_location_name"],
                "location_address": context["session_location_address"],
                "online_url": context["session_online_url"],
                "status": context["session_status"],
                "revision": context["revision"],
                "updated_at": context["session_updated_at"],
            },
            context,
        )
        if kind in {"reminder", "update"} and occurrence.cancelled:
            return Skip("the session was cancelled")
        if kind in {"reminder", "update"} and occurrence.starts_at <= now:
            return Skip("the session has already started")
    series = None
    if kind != "reminder" or occurrence is None:
        rows = await queries.programme_occurrences(conn, programme_id=context["programme_id"])
        occurrences = _occurrences(rows, context, context["language"])
        series = _series(context, occurrences, context, settings)
    if occurrence is not None:
        moment = occurrence.starts_at
    else:
        assert series is not None
        upcoming = [
            o.starts_at for o in series.occurrences if not o.cancelled and o.starts_at > now
        ]
        moment = min(upcoming) if upcoming else series.occurrences[0].starts_at
    language = context["language"]
    where: ics.Occurrence | ics.Series | None = occurrence if occurrence is not None else series
    assert where is not None
    own_place = occurrence is not None and context["session_location_name"] is not None
    words = {
        "title": context["title"],
        "when": _when(moment, message, ZoneInfo(context["timezone"]), now),
        "place": where.location,
        "online_url": where.url,
        "phone": context["organiser_phone"],
        "whole": occurrence is None,
        "meeting": False,
        "changed": tuple(sorted(message["changes"] or ())),
    }
    plain = context["plain_language"]
    if message["channel"] == "sms":
        place_name = context["session_location_name" if own_place else "location_name"]
        sms_text = sms(kind, language, plain=plain, place_name=place_name, **words)
        return Outgoing(sms_to=context["phone"], sms_text=sms_text)
    text = render(kind, language, plain=plain, **words)
    calendar, method = (
        _calendar(kind, series, occurrence, group_cancelled=context["cancelled_at"] is not None)
        if series
        else (None, None)
    )
    return Outgoing(
        email=Email(
            to=context["email"],
            to_name=context["first_name"],
            subject=text.subject,
            text=text.body,
            calendar=calendar,
            method=method,
        )
    )


STATUS_FI = {
    "requested": "lähetetty",
    "received": "vastaanotettu",
    "accepted": "hyväksytty",
    "rejected": "hylätty",
    "in-progress": "aloitettu",
    "on-hold": "tauolla",
    "completed": "päättynyt",
    "cancelled": "peruttu",
    "failed": "ei toteutunut",
}


async def _compose_notice(conn: asyncpg.Connection, context: Any) -> Skip | Outgoing:
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
        status_fi=STATUS_FI[status],
        status_en=status.replace("-", " "),
        when=when(event["at"], "fi", HELSINKI, year=today_in_finland().year),
        referral_id=event["referral_id"],
    )
    return Outgoing(
        email=Email(
            to=context["staff_email"],
            to_name=context["staff_name"],
            subject=text.subject,
            text=text.body,
            calendar=None,
            method=None,
        )
    )


MEETING_TITLE = {"fi": "Valmennustapaaminen", "sv": "Coachningsträff", "en": "Coaching meeting"}


def _compose_meeting(settings: Settings, context: Any) -> Skip | Outgoing:
    """A one-to-one coaching meeting: a single event rather than a series."""
    kind = context["kind"]
    if kind != "cancellation" and context["meeting_status"] == "cancelled":
        return Skip("the meeting was cancelled")
    if kind in {"reminder", "update"} and context["meeting_starts_at"] <= clock.now():
        return Skip("the meeting has already started")
    language = context["language"]
    place = _place(context["meeting_location_name"], context["meeting_location_address"])
    phone = context["coach_phone"]
    moment, zone = context["meeting_starts_at"], ZoneInfo(context["meeting_timezone"])
    words = {
        "title": MEETING_TITLE[language],
        "when": _when(moment, context, zone, clock.now()),
        "place": place,
        "online_url": context["meeting_online_url"],
        "phone": phone,
        "whole": False,
        "meeting": True,
        "changed": tuple(sorted(context["changes"] or ())),
    }
    plain = context["plain_language"]
    if context["channel"] == "sms":
        place_name = context["meeting_location_name"]
        sms_text = sms(kind, language, plain=plain, place_name=place_name, **words)
        return Outgoing(sms_to=context["phone"], sms_text=sms_text)
    text = render(kind, language, plain=plain, **words)
    calendar = None
    if kind != "reminder":
        event = ics.SingleEvent(
            uid=ics.uid("meeting", context["meeting_id"]),
            title=MEETING_TITLE[language],
            zone=context["meeting_timezone"],
            starts_at=context["meeting_starts_at"],
            ends_at=context["meeting_ends_at"],
            location=place,
            url=context["meeting_online_url"],
            description=texts.meeting(language, url=context["meeting_online_url"], phone=phone),
            sequence=context["meeting_revision"],
            changed_at=context["meeting_updated_at"],
            cancelled=kind == "cancellation",
        )
        sender_name, sender_address = parseaddr(settings.mail_from)
        attendee = ics.Person(context["email"], context["first_name"])
        calendar = ics.single_request(event, ics.Person(sender_address, sender_name), attendee)
    return Outgoing(
        email=Email(
            to=context["email"],
            to_name=context["first_name"],
            subject=text.subject,
            text=text.body,
            calendar=calendar,
            method=None
            if calendar is None
            else ("CANCEL" if kind == "cancellation" else "REQUEST"),
        )
    )


def _calendar(
    kind: str, series: ics.Series, occurrence: ics.Occurrence | None, *, group_cancelled: bool
) -> tuple[bytes | None, str | None]:
    if occurrence is not None:
        # The series' own copy of the meeting is the one described with its theme.
        occurrence = next(
            (o for o in series.occurrences if o.planned_start == occurrence.planned_start),
            occurrence,
        )
    if kind == "invite" or (kind == "update" and occurrence is None):
        return ics.series_request(series), "REQUEST"
    if kind == "update" and occurrence is not None:
        return ics.occurrence_request(series, occurrence), "REQUEST"
    if kind == "cancellation":
        if occurrence is not None:
            return ics.occurrence_cancel(series, occurrence), "CANCEL"
        if group_cancelled:
            # Only what the group will not hold leaves the calendar.
            calendar = ics.group_cancel(series)
            return calendar, "CANCEL" if calendar is not None else None
        return ics.series_cancel(series), "CANCEL"
    return None, None


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
                await self._finish(conn, message_id, "failed", failure.reason)
                return "failed"
            await self._finish(conn, message_id, "sent", None)
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
            ) from error

    async def _hand_over(self, message: Any, outgoing: Outgoing) -> None:
        if outgoing.email is not None:
            if self.smtp is None:
                raise PermanentFailure("no SMTP server configured (SMTP_URL)")
            email = build_email(
                outgoing.email, sender=self.settings.mail_from, message_id=message["id"]
            )
            await self.smtp.send(email)
        elif outgoing.sms_to is not None and outgoing.sms_text is not None:
            if not self.settings.sms_gateway_url:
                raise PermanentFailure("no SMS gateway configured (SMS_GATEWAY_URL)")
            await send_sms(
                self.settings.sms_gateway_url,
                self.http,
                to=outgoing.sms_to,
                text=outgoing.sms_text,
                message_id=message["id"],
            )

    async def _finish(
        self, conn: asyncpg.Connection, message_id: str, status: str, reason: str | None
    ) -> None:
        await queries.finish(conn, id=message_id, status=status, reason=reason)

    async def _retry(
        self, conn: asyncpg.Connection, message: Any, failure: TransientFailure
    ) -> str:
        """Due again after a wait, or failed once the message's retries have run out."""
        now = clock.now()
        until = message["retry_until"] or now + RETRY_FOR
        at = retry_at(message["attempts"], message["channel"], now, _zone(message), until)
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
            await self._finish(conn, message["id"], "failed", reason)
            return "failed"
        await queries.retry_later(conn, id=message["id"], at=at, reason=failure.reason, until=until)
        logger.info(
            "message %s not delivered (%s): %s; tried again at %s",
            message["id"],
            code,
            failure,
            at.isoformat(timespec="seconds"),
        )
        return "retry"


def _internal_error() -> TransientFailure:
    return TransientFailure(
        "an error in Polku stopped the sending",
        lasting="an error in Polku kept the message from going",
    )
