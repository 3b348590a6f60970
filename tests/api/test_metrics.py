"""/metrics: Prometheus text that a scraper parses, with route templates and no person."""

from __future__ import annotations

import asyncpg
from httpx import AsyncClient
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import Factory
from tests.workers.test_messages import enrolled_client


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
