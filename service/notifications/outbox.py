"""Writing messages into the outbox, in the same transaction as the change they announce.

Every client gets each message on both channels they could be reached on; the
sender checks consent when the time comes and records a skip with its reason
when there is none. That keeps the delivery log honest about what was
withheld and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.base import clock
from service.notifications.rules import plan_reminders, send_time
from service.notifications.sql import queries

ANNOUNCEMENTS = ["invite", "update", "cancellation"]
EVERYTHING = [*ANNOUNCEMENTS, "reminder"]


# What an update is about, by the fields whose change it announces.
_CHANGES = {
    "starts_at": "time",
    "ends_at": "time",
    "location": "place",
    "location_name": "place",
    "location_address": "place",
    "online_url": "link",
    "title": "title",
    "theme": "theme",
}


def change_kinds(fields: Iterable[str]) -> set[str]:
    """time, place, link, title, theme: what changing these fields changes for a reader."""
    return {_CHANGES[field] for field in fields if field in _CHANGES}


@dataclass
class _Batch:
    rows: list[tuple[str, str, str, str | None, str | None, str | None, str | None, datetime, str]]

    def add(
        self,
        client: Any,
        kind: str,
        programme_id: str | None,
        session_id: str | None,
        offset: str | None,
        at: datetime,
        channel: str,
        meeting_id: str | None = None,
        changes: Iterable[str] = (),
    ) -> None:
        self.rows.append(
            (
                client["client_id"],
                kind,
                channel,
                programme_id,
                session_id,
                meeting_id,
                offset,
                at,
                ",".join(sorted(changes)),
            )
        )

    async def write(self, conn: asyncpg.Connection) -> None:
        if not self.rows:
            return
        columns = list(zip(*self.rows, strict=True))
        await queries.insert_messages(
            conn,
            client_ids=list(columns[0]),
            kinds=list(columns[1]),
            channels=list(columns[2]),
            programme_ids=list(columns[3]),
            session_ids=list(columns[4]),
            meeting_ids=list(columns[5]),
            offsets=list(columns[6]),
            scheduled=list(columns[7]),
            changes=list(columns[8]),
        )


def _channels(client: Any) -> list[str]:
    return [c for c, has in (("email", client["has_email"]), ("sms", client["has_phone"])) if has]


async def _recipients(
    conn: asyncpg.Connection, programme_id: str, client_ids: list[str] | None
) -> list[Any]:
    rows: list[Any] = await queries.recipients(
        conn, programme_id=programme_id, client_ids=client_ids
    )
    return rows


def _announce(
    batch: _Batch,
    clients: list[Any],
    kind: str,
    programme_id: str,
    session_id: str | None,
    now: datetime,
    changes: dict[str, set[str]] | None = None,
) -> None:
    for client in clients:
        zone = ZoneInfo(client["timezone"])
        changed = (changes or {}).get(str(client["client_id"]), set())
        for channel in _channels(client):
            at = send_time(channel, now, zone)
            batch.add(client, kind, programme_id, session_id, None, at, channel, None, changed)


async def _announce_now(
    conn: asyncpg.Connection,
    kind: str,
    programme_id: str,
    session_id: str | None,
    client_ids: list[str] | None = None,
) -> None:
    """One message of `kind` to each recipient (all clients of the group by default)."""
    batch = _Batch([])
    clients = await _recipients(conn, programme_id, client_ids)
    _announce(batch, clients, kind, programme_id, session_id, clock.now())
    await batch.write(conn)


async def _remind(
    conn: asyncpg.Connection,
    batch: _Batch,
    clients: list[Any],
    programme_id: str,
    session_id: str | None,
    now: datetime,
) -> None:
    for session in await queries.future_sessions(
        conn, programme_id=programme_id, session_id=session_id
    ):
        for client in clients:
            for reminder in plan_reminders(
                starts_at=session["starts_at"],
                offsets=list(session["reminder_offsets"]),
                channels=_channels(client),
                zone=ZoneInfo(client["timezone"]),
                now=now,
            ):
                batch.add(
                    client,
                    "reminder",
                    programme_id,
                    session["id"],
                    reminder.offset,
                    reminder.at,
                    reminder.channel,
                )


async def client_joined(conn: asyncpg.Connection, programme_id: str, client_id: str) -> None:
    """An invite to the whole series now, and reminders before each coming session."""
    # Back before a cancellation from their leaving went out: the invite says it all,
    # and the two must not race each other into the client's calendar.
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=None,
        client_id=client_id,
        kinds=["cancellation"],
        reason="the client enrolled again",
    )
    await queries.bump_series_sequence(conn, programme_id=programme_id, client_id=client_id)
    now = clock.now()
    clients = await _recipients(conn, programme_id, [client_id])
    batch = _Batch([])
    _announce(batch, clients, "invite", programme_id, None, now)
    await _remind(conn, batch, clients, programme_id, None, now)
    await batch.write(conn)


async def client_left(conn: asyncpg.Connection, programme_id: str, client_id: str) -> None:
    """Nothing more for this client; the series leaves their calendar. Called before the
    enrolment stops being 'enrolled'."""
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=None,
        client_id=client_id,
        kinds=EVERYTHING,
        reason="the client left the programme",
    )
    await queries.bump_series_sequence(conn, programme_id=programme_id, client_id=client_id)
    await _announce_now(conn, "cancellation", programme_id, None, [client_id])


async def _changes_with_unsent(
    conn: asyncpg.Connection,
    programme_id: str,
    session_id: str | None,
    clients: list[Any],
    changed: Iterable[str],
) -> dict[str, set[str]]:
    """What each client's update is to say changed: these fields, and what the updates
    it replaces (not yet sent) were to say."""
    new = change_kinds(changed)
    unsent = await queries.pending_update_changes(
        conn, programme_id=programme_id, session_id=session_id
    )
    earlier = {str(row["client_id"]): set(row["changes"]) for row in unsent}
    return {
        str(client["client_id"]): new | earlier.get(str(client["client_id"]), set())
        for client in clients
    }


async def session_changed(
    conn: asyncpg.Connection, programme_id: str, session_id: str, changed: Iterable[str] = ()
) -> None:
    """The session moved or changed place (the `changed` fields): an update now, and
    reminders planned anew."""
    clients = await _recipients(conn, programme_id, None)
    changes = await _changes_with_unsent(conn, programme_id, session_id, clients, changed)
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=session_id,
        client_id=None,
        kinds=["reminder", "update"],
        reason="the session changed",
    )
    now = clock.now()
    batch = _Batch([])
    _announce(batch, clients, "update", programme_id, session_id, now, changes)
    await _remind(conn, batch, clients, programme_id, session_id, now)
    await batch.write(conn)


async def session_cancelled(conn: asyncpg.Connection, programme_id: str, session_id: str) -> None:
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=session_id,
        client_id=None,
        kinds=["reminder", "update"],
        reason="the session was cancelled",
    )
    await _announce_now(conn, "cancellation", programme_id, session_id)


async def programme_changed(
    conn: asyncpg.Connection, programme_id: str, changed: Iterable[str] = ()
) -> None:
    """The whole series changed (place, link, title: the `changed` fields): the full
    series again, as an update."""
    clients = await _recipients(conn, programme_id, None)
    changes = await _changes_with_unsent(conn, programme_id, None, clients, changed)
    await queries.cancel_pending_series_updates(
        conn, programme_id=programme_id, reason="superseded by a newer update"
    )
    batch = _Batch([])
    _announce(batch, clients, "update", programme_id, None, clock.now(), changes)
    await batch.write(conn)


async def reminders_replanned(conn: asyncpg.Connection, programme_id: str) -> None:
    """The group's reminder times changed: the waiting reminders follow them."""
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=None,
        client_id=None,
        kinds=["reminder"],
        reason="the group's reminder times changed",
    )
    batch = _Batch([])
    clients = await _recipients(conn, programme_id, None)
    await _remind(conn, batch, clients, programme_id, None, clock.now())
    await batch.write(conn)


async def programme_cancelled(conn: asyncpg.Connection, programme_id: str) -> None:
    await queries.cancel_pending(
        conn,
        programme_id=programme_id,
        session_id=None,
        client_id=None,
        kinds=EVERYTHING,
        reason="the programme was cancelled",
    )
    await _announce_now(conn, "cancellation", programme_id, None)


async def consent_revoked(conn: asyncpg.Connection, client_id: str, purpose: str) -> None:
    """Pending messages on a channel whose consent ended are withheld at once."""
    channel = {"email_reminders": "email", "sms_reminders": "sms"}.get(purpose)
    if channel is not None:
        await queries.skip_pending_for_channel(
            conn, client_id=client_id, channel=channel, reason=f"{purpose} consent revoked"
        )


async def client_reach_changed(
    conn: asyncpg.Connection, client_id: str, *, calendar_anew: bool = False
) -> None:
    """The client gave a channel consent again, or their address, number or time zone
    changed: their coming reminders are planned anew on the channels they have now, so
    none is missing and none comes twice. With `calendar_anew` (a new e-mail address, or
    e-mail consent given) the invites go again too: the calendar that is to take updates
    must first have the series or meeting they change."""
    programmes = await queries.lock_coming_programmes(conn, client_id=client_id)
    meetings = await queries.lock_coming_meetings(conn, client_id=client_id)
    await queries.cancel_pending_reminders_of_client(
        conn, client_id=client_id, reason="planned again after the client's contact changed"
    )
    now = clock.now()
    batch = _Batch([])
    for programme in programmes:
        clients = await _recipients(conn, programme["id"], [client_id])
        await _remind(conn, batch, clients, programme["id"], None, now)
        if calendar_anew:
            await queries.cancel_pending(
                conn,
                programme_id=programme["id"],
                session_id=None,
                client_id=client_id,
                kinds=["invite"],
                reason="invited again after the client's contact changed",
            )
            _invite_by_email(batch, clients, programme["id"], None, now)
    for meeting in meetings:
        recipients = await queries.meeting_recipient(conn, meeting_id=meeting["id"])
        for client in recipients:
            _remind_of_meeting(batch, client, meeting["id"], now)
        if calendar_anew:
            await queries.cancel_pending_for_meeting(
                conn,
                meeting_id=meeting["id"],
                kinds=["invite"],
                reason="invited again after the client's contact changed",
            )
            _invite_by_email(batch, recipients, None, meeting["id"], now)
    await batch.write(conn)


def _invite_by_email(
    batch: _Batch,
    clients: list[Any],
    programme_id: str | None,
    meeting_id: str | None,
    now: datetime,
) -> None:
    for client in clients:
        if client["has_email"]:
            at = send_time("email", now, ZoneInfo(client["timezone"]))
            batch.add(client, "invite", programme_id, None, None, at, "email", meeting_id)


# One-to-one meetings ---------------------------------------------------------------

MEETING_REMINDERS = ["P1D", "PT2H"]


async def _meeting_messages(
    conn: asyncpg.Connection, meeting_id: str, kind: str, remind: bool
) -> None:
    now = clock.now()
    batch = _Batch([])
    for client in await queries.meeting_recipient(conn, meeting_id=meeting_id):
        zone = ZoneInfo(client["timezone"])
        for channel in _channels(client):
            batch.add(
                client, kind, None, None, None, send_time(channel, now, zone), channel, meeting_id
            )
        if remind:
            _remind_of_meeting(batch, client, meeting_id, now)
    await batch.write(conn)


def _remind_of_meeting(batch: _Batch, client: Any, meeting_id: str, now: datetime) -> None:
    for reminder in plan_reminders(
        starts_at=client["starts_at"],
        offsets=MEETING_REMINDERS,
        channels=_channels(client),
        zone=ZoneInfo(client["timezone"]),
        now=now,
    ):
        batch.add(
            client,
            "reminder",
            None,
            None,
            reminder.offset,
            reminder.at,
            reminder.channel,
            meeting_id,
        )


async def meeting_planned(conn: asyncpg.Connection, meeting_id: str) -> None:
    await _meeting_messages(conn, meeting_id, "invite", remind=True)


async def meeting_changed(conn: asyncpg.Connection, meeting_id: str) -> None:
    await queries.cancel_pending_for_meeting(
        conn, meeting_id=meeting_id, kinds=["reminder", "update"], reason="the meeting changed"
    )
    await _meeting_messages(conn, meeting_id, "update", remind=True)


async def meeting_cancelled(conn: asyncpg.Connection, meeting_id: str) -> None:
    """Called before the meeting's status changes, while its client is still found."""
    await queries.cancel_pending_for_meeting(
        conn, meeting_id=meeting_id, kinds=EVERYTHING, reason="the meeting was cancelled"
    )
    await _meeting_messages(conn, meeting_id, "cancellation", remind=False)


# Notices to staff ---------------------------------------------------------------------


async def staff_notice(
    conn: asyncpg.Connection, staff_id: str, subject_type: str, subject_id: str
) -> None:
    """An e-mail to a member of staff about something that needs their eye (a change to
    a referral they made). It names no client: the details are in Polku."""
    await queries.insert_staff_notice(
        conn, staff_id=staff_id, subject_type=subject_type, subject_id=subject_id
    )
