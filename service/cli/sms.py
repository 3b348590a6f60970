"""`polku sms inbound`: what an SMS gateway does when a client replies, from the command
line: the reply signed with SMS_INBOUND_SECRET and posted to a running Polku. For trying
replies with `polku dev` (which keeps a secret of its own) and for checking a gateway's
wiring in production."""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path

import click
import httpx

from service.base.settings import Settings
from service.cli.environment import fail, settings_or_fail
from service.composers.sms_replies.signature import HEADER, signature

DEV_SECRET_FILE = "sms-inbound.secret"


def dev_secret(settings: Settings) -> str:
    """`polku dev`'s gateway secret: made once, kept with its data, readable by its owner."""
    path = Path(settings.data_path) / DEV_SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(32))
    return path.read_text().strip()


@click.group()
def sms() -> None:
    """Two-way SMS."""


@sms.command("inbound")
@click.option("--from", "sender", required=True, help="The client's phone number.")
@click.option("--text", required=True, help="What they replied.")
@click.option("--url", default=None, help="Polku's address  [default: POLKU_PUBLIC_URL]")
@click.option("--id", "gateway_id", default=None, help="The gateway's id  [default: a new one]")
def inbound(sender: str, text: str, url: str | None, gateway_id: str | None) -> None:
    """Hand Polku one SMS reply, signed as the gateway signs it."""
    settings = settings_or_fail()
    secret = settings.sms_inbound_secret or dev_secret(settings)
    body = json.dumps(
        {"id": gateway_id or f"cli-{uuid.uuid4()}", "from": sender, "text": text},
        ensure_ascii=False,
    ).encode()
    address = (url or settings.public_url).rstrip("/") + "/api/v1/sms/inbound"
    try:
        response = httpx.post(
            address,
            content=body,
            headers={HEADER: signature(secret, body), "Content-Type": "application/json"},
            timeout=10,
        )
    except httpx.HTTPError as error:
        fail(f"cannot reach {address}: {error}")
    if response.status_code != 200:
        detail = response.json().get("detail", "") if response.content else ""
        fail(f"Polku answered {response.status_code}: {detail}".rstrip(": "))
    click.echo(response.json()["handled_as"])
