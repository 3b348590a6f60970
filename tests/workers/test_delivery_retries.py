"""A mail server that turns a message away for now (greylisting) loses nothing; one that
refuses it for good fails it at once; either way the coach reads a sentence, and the log
a line without the recipient's address."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import asyncpg
import msgspec
import pytest
from httpx import AsyncClient
from redis.asyncio import Redis

from service.base.settings import Settings
from service.notifications.dispatch import dispatch_due
from service.notifications.rules import BACKOFF, RETRY_FOR
from tests.factories import Factory
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker

ADDRESS = "anna@example.org"


async def invite(db: asyncpg.Connection, client_id: str) -> asyncpg.Record:
    row: asyncpg.Record = await db.fetchrow(
        "SELECT id, status, status_reason, attempts, scheduled_for, retry_until FROM messages "
        "WHERE client_id = $1 AND kind = 'invite' AND channel = 'email'",
        client_id,
    )
    return row


def message_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("polku")]


async def test_a_greylisting_450_is_tried_again_and_delivered(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    _, _, client_id = await enrolled_client(api, make)
    mail_server.mailbox.answers = [f"450 4.2.0 <{ADDRESS}>: Recipient address rejected: Greylisted"]
    started = datetime.now(UTC)
    await run_worker(worker_settings)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["status_reason"] == "the mail server asked to try again later"
    assert started + BACKOFF[0] <= row["scheduled_for"] <= datetime.now(UTC) + BACKOFF[0]
    assert started + RETRY_FOR <= row["retry_until"] <= datetime.now(UTC) + RETRY_FOR
    assert mail_server.mailbox.messages == []
    [line] = [line for line in message_lines(caplog) if str(row["id"]) in line]
    assert "SMTP 450" in line and "tried again at" in line
    assert ADDRESS not in line

    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 second' WHERE id = $1",
        row["id"],
    )
    await run_worker(worker_settings)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("sent", 2)
    assert len(mail_server.mailbox.to(ADDRESS)) == 1


async def test_a_refused_address_fails_at_once_with_a_sentence(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    _, _, client_id = await enrolled_client(api, make)
    mail_server.mailbox.refuse = f"550 5.1.1 <{ADDRESS}>: Recipient address rejected"
    await run_worker(worker_settings)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    assert row["status_reason"] == "the mail server refused the address"
    [line] = [line for line in message_lines(caplog) if str(row["id"]) in line]
    assert "failed" in line and "SMTP 550" in line
    assert ADDRESS not in line


async def test_a_message_turned_away_until_its_deadline_fails_saying_so(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    _, _, client_id = await enrolled_client(api, make)
    mail_server.mailbox.refuse = "451 4.3.0 Try again later"
    await run_worker(worker_settings)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    # A day of refusals later: the last try is refused too.
    await db.execute(
        "UPDATE messages SET scheduled_for = now() - interval '1 second', "
        "retry_until = now() - interval '1 second' WHERE id = $1",
        row["id"],
    )
    await run_worker(worker_settings)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("failed", 2)
    assert row["status_reason"] == "the mail server did not accept the message for 24 hours"


async def test_a_server_out_of_reach_is_tried_again_with_a_readable_reason(
    api: AsyncClient, make: Factory, db: asyncpg.Connection, worker_settings: Settings
) -> None:
    _, _, client_id = await enrolled_client(api, make)
    away = msgspec.structs.replace(worker_settings, smtp_url="smtp://127.0.0.1:9")
    await run_worker(away)
    row = await invite(db, client_id)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["status_reason"] == "the mail server could not be reached"
    assert row["scheduled_for"] > datetime.now(UTC) + BACKOFF[0] - timedelta(seconds=10)


async def test_an_interrupted_try_after_many_refusals_is_tried_again(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    owner_pool: asyncpg.Pool,
    redis: Redis,
) -> None:
    """Tries that a refusal ended count against the deadline, not against the few
    interrupted tries a message is allowed: a worker restart after a morning of
    greylisting does not fail the message."""
    _, _, client_id = await enrolled_client(api, make)
    row = await invite(db, client_id)
    await db.execute(
        "UPDATE messages SET status = 'sending', attempts = 12, "
        "retry_until = now() + interval '10 hours', "
        "claimed_until = now() - interval '1 second' WHERE id = $1",
        row["id"],
    )
    await dispatch_due(owner_pool, redis, timedelta(minutes=1))
    row = await invite(db, client_id)
    assert (row["status"], row["status_reason"]) == ("pending", "the sending was interrupted")
