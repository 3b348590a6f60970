"""Writing messages into the outbox, in the same transaction as the change they announce.

Each event here (a client joins, a session moves, a meeting is cancelled …) withdraws the
pending messages it makes wrong and plans the ones it calls for (outbox_rows.py). Every
client gets each message on both channels they could be reached on; the sender checks
consent when the time comes and records a skip with its reason when there is none. That
keeps the delivery log honest about what was withheld and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import asyncpg

from service.base import clock
from service.notifications.outbox_rows import (
    MessageBatch,
    announce,
    announce_now,
    invite_by_email,
    meeting_messages,
    programme_recipients,
    remind_of_meeting,
    remind_of_sessions,
)
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
    clients = await programme_recipients(conn, programme_id, [client_id])
    batch = MessageBatch()
    announce(batch, clients, "invite", programme_id, None, now)
    await remind_of_sessions(conn, batch, clients, programme_id, None, now)
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
    await announce_now(conn, "cancellation", programme_id, None, [client_id])


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
    clients = await programme_recipients(conn, programme_id, None)
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
    batch = MessageBatch()
    announce(batch, clients, "update", programme_id, session_id, now, changes)
    await remind_of_sessions(conn, batch, clients, programme_id, session_id, now)
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
    await announce_now(conn, "cancellation", programme_id, session_id)


async def programme_changed(
    conn: asyncpg.Connection, programme_id: str, changed: Iterable[str] = ()
) -> None:
    """The whole series changed (place, link, title: the `changed` fields): the full
    series again, as an update."""
    clients = await programme_recipients(conn, programme_id, None)
    changes = await _changes_with_unsent(conn, programme_id, None, clients, changed)
    await queries.cancel_pending_series_updates(
        conn, programme_id=programme_id, reason="superseded by a newer update"
    )
    batch = MessageBatch()
    announce(batch, clients, "update", programme_id, None, clock.now(), changes)
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
    batch = MessageBatch()
    clients = await programme_recipients(conn, programme_id, None)
    await remind_of_sessions(conn, batch, clients, programme_id, None, clock.now())
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
    await announce_now(conn, "cancellation", programme_id, None)


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
    batch = MessageBatch()
    for programme in programmes:
        clients = await programme_recipients(conn, programme["id"], [client_id])
        await remind_of_sessions(conn, batch, clients, programme["id"], None, now)
        if calendar_anew:
            await queries.cancel_pending(
                conn,
                programme_id=programme["id"],
                session_id=None,
                client_id=client_id,
                kinds=["invite"],
                reason="invited again after the client's contact changed",
            )
            invite_by_email(batch, clients, programme["id"], None, now)
    for meeting in meetings:
        recipients = await queries.meeting_recipient(conn, meeting_id=meeting["id"])
        for client in recipients:
            remind_of_meeting(batch, client, meeting["id"], now)
        if calendar_anew:
            await queries.cancel_pending_for_meeting(
                conn,
                meeting_id=meeting["id"],
                kinds=["invite"],
                reason="invited again after the client's contact changed",
            )
            invite_by_email(batch, recipients, None, meeting["id"], now)
    await batch.write(conn)


# One-to-one meetings ---------------------------------------------------------------


async def meeting_planned(conn: asyncpg.Connection, meeting_id: str) -> None:
    await meeting_messages(conn, meeting_id, "invite", remind=True)


async def meeting_changed(conn: asyncpg.Connection, meeting_id: str) -> None:
    await queries.cancel_pending_for_meeting(
        conn, meeting_id=meeting_id, kinds=["reminder", "update"], reason="the meeting changed"
    )
    await meeting_messages(conn, meeting_id, "update", remind=True)


async def meeting_cancelled(conn: asyncpg.Connection, meeting_id: str) -> None:
    """Called before the meeting's status changes, while its client is still found."""
    await queries.cancel_pending_for_meeting(
        conn, meeting_id=meeting_id, kinds=EVERYTHING, reason="the meeting was cancelled"
    )
    await meeting_messages(conn, meeting_id, "cancellation", remind=False)


# Answers to a client's SMS reply ---------------------------------------------------------


async def reply_to_client(
    conn: asyncpg.Connection,
    client_id: str,
    answer: str,
    *,
    programme_id: str | None = None,
    session_id: str | None = None,
    meeting_id: str | None = None,
) -> None:
    """An SMS back to a client who replied: their answer (coming, not_coming) noted for
    the session or meeting, or their opt-out confirmed. At night it waits for the
    morning like any SMS (sender.py)."""
    await queries.insert_reply(
        conn,
        client_id=client_id,
        answer=answer,
        programme_id=programme_id,
        session_id=session_id,
        meeting_id=meeting_id,
    )


# Notices to staff ---------------------------------------------------------------------


async def staff_notice(
    conn: asyncpg.Connection, staff_id: str, subject_type: str, subject_id: str
) -> None:
    """An e-mail to a member of staff about something that needs their eye (a change to
    a referral they made). It names no client: the details are in Polku."""
    await queries.insert_staff_notice(
        conn, staff_id=staff_id, subject_type=subject_type, subject_id=subject_id
    )
