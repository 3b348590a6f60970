"""Helpers for tests of two-way SMS: replies signed as the gateway signs them (the API
with the gateway's secret set is the `sms_api` fixture, tests/api/conftest.py)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

from service.composers.sms_replies.signature import HEADER, signature

SECRET = "test-gateway-secret"
_ids = itertools.count(1)


async def reply(
    api: httpx.AsyncClient,
    sender: str,
    text: str,
    *,
    gateway_id: str | None = None,
    secret: str = SECRET,
    **extra: Any,
) -> httpx.Response:
    """One SMS handed over by the gateway, signed."""
    gateway_id = f"gw-{next(_ids)}" if gateway_id is None else gateway_id
    body = json.dumps({"id": gateway_id, "from": sender, "text": text, **extra}).encode()
    headers = {HEADER: signature(secret, body), "Content-Type": "application/json"}
    return await api.post("/api/v1/sms/inbound", content=body, headers=headers)


async def handled_as(api: httpx.AsyncClient, sender: str, text: str, **kwargs: Any) -> str:
    response = await reply(api, sender, text, **kwargs)
    assert response.status_code == 200, response.text
    answer: str = response.json()["handled_as"]
    return answer
