"""Handing an SMS to the HTTP gateway, or to a log file in development."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import httpx

from service.base import clock
from service.notifications.delivery_failures import PermanentFailure, TransientFailure

SMS_TIMEOUT_SECONDS = 15


async def send_sms(
    gateway_url: str, client: httpx.AsyncClient, *, to: str, text: str, message_id: str
) -> None:
    """POST {"to", "text", "id"} to the gateway; the id lets it drop a repeat. A gateway
    URL of the form log:PATH appends to that file instead (polku dev)."""
    if gateway_url.startswith("log:"):
        line = {"at": clock.now().isoformat(), "to": to, "text": text, "id": message_id}
        path = Path(gateway_url.removeprefix("log:"))
        await asyncio.to_thread(_append_line, path, json.dumps(line, ensure_ascii=False))
        return
    try:
        response = await client.post(
            gateway_url,
            json={"to": to, "text": text, "id": message_id},
            timeout=SMS_TIMEOUT_SECONDS,
        )
    except httpx.HTTPError as error:
        unreachable = "the SMS gateway could not be reached"
        raise TransientFailure(unreachable, lasting=unreachable) from error
    code = f"HTTP {response.status_code}"
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientFailure(
            "the SMS gateway asked to try again later",
            lasting="the SMS gateway did not accept the message",
            code=code,
        )
    if response.status_code >= 400:
        raise PermanentFailure("the SMS gateway refused the message", code=code)


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
