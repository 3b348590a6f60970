"""/metrics: Prometheus text that a scraper parses, with route templates and no person."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import asyncpg
import msgspec
from httpx import AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from service.base.settings import Settings
from service.notifications.delivery_failures import (
    FailureKind,
    PermanentFailure,
    TransientFailure,
)
from tests.api.programmes import enrol
from tests.factories import Factory, zone_where_the_hour_is
from tests.mail import MailServer
from tests.workers.test_messages import enrolled_client, run_worker


async def _scrape(api: AsyncClient) -> dict[str, list]:
    response = await api.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(response.text)}


async def test_requests_are_counted_by_route_template_never_by_id(
    api: AsyncClient, make: Factory
) -> None:
    coach = await make.staff("coach")
    client_id = await make.client(coach, first_name="Mikaela", last_name="Metriikka")
    assert (await api.get(f"/api/v1/clients/{client_id}", headers=coach.headers)).is_success
    missing = "00000000-0000-0000-0000-000000000000"
    assert (await api.get(f"/api/v1/clients/{missing}", headers=coach.headers)).status_code == 404

    text = (await api.get("/metrics")).text
    assert client_id not in text and missing not in text
    assert "Mikaela" not in text and "Metriikka" not in text
    counts = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in (await _scrape(api))["polku_http_request_duration_seconds"]
        if s.name.endswith("_count")
    }
    assert counts[("GET", "/api/v1/clients/{client_id}", "200")] >= 1
    assert counts[("GET", "/api/v1/clients/{client_id}", "404")] >= 1


async def test_pools_outbox_and_workers_are_reported(
    api: AsyncClient, make: Factory, db: asyncpg.Connection
) -> None:
    await enrolled_client(api, make)  # an invitation waits in the outbox
    await db.execute("UPDATE messages SET scheduled_for = now() - interval '90 seconds'")
    await db.execute(
        "INSERT INTO worker_heartbeats (worker, host, started_at, seen_at) "
        "VALUES ('w:1', 'w', now(), now() - interval '20 seconds')"
    )
    families = await _scrape(api)

    pools = {
        (s.labels["pool"], s.labels["state"]): s.value
        for s in families["polku_db_pool_connections"]
    }
    assert pools[("read", "max")] >= 1 and pools[("write", "in_use")] >= 0
    assert {s.labels["pool"]: s.value for s in families["polku_db_pool_waiting"]} == {
        "read": 0,
        "write": 0,
    }
    pending = await db.fetchval("SELECT count(*) FROM messages WHERE status = 'pending'")
    [waiting] = families["polku_outbox_messages"]
    assert (waiting.labels, waiting.value) == ({"status": "pending", "channel": "email"}, pending)
    [oldest] = families["polku_outbox_oldest_due_seconds"]
    assert 90 <= oldest.value < 150
    [age] = families["polku_worker_heartbeat_age_seconds"]
    assert 20 <= age.value < 80
    assert families["polku_workers_alive"][0].value == 1


async def test_sends_and_failures_are_counted_by_channel_and_reason(
    api: AsyncClient,
    make: Factory,
    db: asyncpg.Connection,
    worker_settings: Settings,
    mail_server: MailServer,
) -> None:
    coach, programme, _ = await enrolled_client(api, make)
    # Its first try was cut off (a worker died holding it): due again, then sent.
    await db.execute(
        "UPDATE messages SET status = 'sending', attempts = 1, "
        "claimed_until = now() - interval '1 minute' WHERE kind = 'invite'"
    )
    await run_worker(worker_settings)
    assert len(mail_server.mailbox.messages) == 1
    other = await make.client(
        coach,
        email="other@example.org",
        phone="+358 40 555 0101",
        timezone=zone_where_the_hour_is(*range(9, 20)).key,  # its SMS is not held for the night
    )
    for purpose in ("email_reminders", "sms_reminders"):
        await make.consent(other, purpose, coach)
    assert (await enrol(api, coach, programme["id"], other)).status_code == 201
    await db.execute(
        "INSERT INTO messages (client_id, kind, channel, scheduled_for) "
        "VALUES ($1, 'notice', 'sms', now())",
        other,
    )
    mail_server.mailbox.refuse = "550 5.1.1 <other@example.org>: no such user"
    await run_worker(
        msgspec.structs.replace(worker_settings, sms_gateway_url="http://127.0.0.1:9/sms")
    )

    families = await _scrape(api)
    assert {s.labels["channel"]: s.value for s in families["polku_messages_sent"]} == {"email": 1}
    failures = {
        (s.labels["channel"], s.labels["reason"], s.labels["outcome"]): s.value
        for s in families["polku_message_failures"]
        if s.name.endswith("_total")
    }
    assert failures == {
        ("email", "interrupted", "retry"): 1,
        ("email", "refused", "failed"): 1,
        ("sms", "unreachable", "retry"): 1,
    }
    text = (await api.get("/metrics")).text
    assert "other@example.org" not in text and "no such user" not in text


def test_failures_are_named_from_a_fixed_set() -> None:
    assert PermanentFailure("refused", code="SMTP 550").kind == "refused"
    assert TransientFailure("later", lasting="x", code="SMTP 451").kind == "deferred"
    assert TransientFailure("away", lasting="x").kind == "unreachable"
    assert TransientFailure("slow", lasting="x", kind="timeout").kind == "timeout"
    assert set(get_args(FailureKind)) <= set(_reasons_the_database_takes())


def _reasons_the_database_takes() -> list[str]:
    migration = Path(__file__).resolve().parents[2] / "db/migrations/0025_delivery_counts.sql"
    check = migration.read_text().split("reason IN (", 1)[1].split(")", 1)[0]
    return [word.strip(" '\n") for word in check.split(",")]
