"""The rows outbox events write: a message per client, kind and channel, each with the
time it is to go; gathered in a batch and inserted in one statement.

Every client gets each message on both channels they could be reached on; the sender
checks consent when the time comes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from service.base import clock
from service.notifications.rules import plan_reminders, send_time
from service.notifications.sql import queries

# When a one-to-one meeting's reminders go: a day before, and two hours before.
MEETING_REMINDERS = ["P1D", "PT2H"]


@dataclass
class MessageBatch:
    """Outbox rows to insert together (`write`), one `add`ed at a time."""

    rows: list[
        tuple[str, str, str, str | None, str | None, str | None, str | None, datetime, str]
    ] = field(default_factory=list)

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


def reachable_channels(client: Any) -> list[str]:
    """The channels the client has an address or number for."""
    return [c for c, has in (("email", client["has_email"]), ("sms", client["has_phone"])) if has]


async def programme_recipients(
    conn: asyncpg.Connection, programme_id: str, client_ids: list[str] | None
) -> list[Any]:
    """The group's clients (or those of `client_ids` among them) with how to reach them."""
    rows: list[Any] = await queries.recipients(
        conn, programme_id=programme_id, client_ids=client_ids
    )
    return rows


def announce(
    batch: MessageBatch,
    clients: list[Any],
    kind: str,
    programme_id: str | None,
    session_id: str | None,
    now: datetime,
    changes: dict[str, set[str]] | None = None,
    meeting_id: str | None = None,
) -> None:
    """A message of `kind` to each client on each of their channels, now (an SMS after
    the night); an update says what changed for that client (`changes`, by client id)."""
    for client in clients:
        zone = ZoneInfo(client["timezone"])
        changed = (changes or {}).get(str(client["client_id"]), set())
        for channel in reachable_channels(client):
            at = send_time(channel, now, zone)
            batch.add(
                client, kind, programme_id, session_id, None, at, channel, meeting_id, changed
            )


async def announce_now(
    conn: asyncpg.Connection,
    kind: str,
    programme_id: str,
    session_id: str | None,
    client_ids: list[str] | None = None,
) -> None:
    """One message of `kind` to each recipient (all clients of the group by default)."""
    batch = MessageBatch()
    clients = await programme_recipients(conn, programme_id, client_ids)
    announce(batch, clients, kind, programme_id, session_id, clock.now())
    await batch.write(conn)


async def remind_of_sessions(
    conn: asyncpg.Connection,
    batch: MessageBatch,
    clients: list[Any],
    programme_id: str,
    session_id: str | None,
    now: datetime,
) -> None:
    """Each client's reminders before the group's coming sessions (or `session_id`)."""
    for session in await queries.future_sessions(
        conn, programme_id=programme_id, session_id=session_id
    ):
        for client in clients:
            for reminder in plan_reminders(
                starts_at=session["starts_at"],
                offsets=list(session["reminder_offsets"]),
                channels=reachable_channels(client),
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


def invite_by_email(
    batch: MessageBatch,
    clients: list[Any],
    programme_id: str | None,
    meeting_id: str | None,
    now: datetime,
) -> None:
    """An invite again by e-mail, for a calendar that is to take the updates."""
    for client in clients:
        if client["has_email"]:
            at = send_time("email", now, ZoneInfo(client["timezone"]))
            batch.add(client, "invite", programme_id, None, None, at, "email", meeting_id)


async def meeting_messages(
    conn: asyncpg.Connection, meeting_id: str, kind: str, remind: bool
) -> None:
    """A message of `kind` about the meeting to its client, and with `remind` the
    reminders before it."""
    now = clock.now()
    batch = MessageBatch()
    clients = await queries.meeting_recipient(conn, meeting_id=meeting_id)
    announce(batch, clients, kind, None, None, now, meeting_id=meeting_id)
    if remind:
        for client in clients:
            remind_of_meeting(batch, client, meeting_id, now)
    await batch.write(conn)


def remind_of_meeting(batch: MessageBatch, client: Any, meeting_id: str, now: datetime) -> None:
    """The client's reminders before the meeting."""
    for reminder in plan_reminders(
        starts_at=client["starts_at"],
        offsets=MEETING_REMINDERS,
        channels=reachable_channels(client),
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
