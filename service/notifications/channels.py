"""Delivering one message: e-mail over SMTP, SMS through an HTTP gateway or a log file."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
import httpx

SMTP_TIMEOUT_SECONDS = 30
SMS_TIMEOUT_SECONDS = 15


class TransientFailure(Exception):
    """Worth trying again later: the server was away, busy or slow."""


class PermanentFailure(Exception):
    """Trying again will not help: the address was refused, the request rejected."""


@dataclass(frozen=True)
class Email:
    to: str
    to_name: str | None
    subject: str
    text: str
    calendar: bytes | None = None
    method: str | None = None


def build_email(email: Email, *, sender: str, message_id: str) -> EmailMessage:
    """Plain text, and for invites an iMIP text/calendar alternative (RFC 6047) whose
    method= matches the METHOD inside it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = formataddr((email.to_name or "", email.to))
    message["Subject"] = email.subject
    message["Message-ID"] = make_msgid(idstring=message_id, domain="polku")
    message.set_content(email.text)
    if email.calendar is not None:
        message.add_alternative(
            email.calendar.decode(),
            subtype="calendar",
            params={"method": email.method or "PUBLISH"},
        )
    return message


@dataclass(frozen=True)
class SmtpServer:
    hostname: str
    port: int
    username: str | None
    password: str | None
    use_tls: bool

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in {"smtp", "smtps"} or not parts.hostname:
            raise ValueError("SMTP_URL looks like smtp://user:pass@host:port or smtps://…")
        secure = parts.scheme == "smtps"
        return cls(
            hostname=parts.hostname,
            port=parts.port or (465 if secure else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            use_tls=secure,
        )


async def send_email(server: SmtpServer, message: EmailMessage) -> None:
    try:
        await aiosmtplib.send(
            message,
            hostname=server.hostname,
            port=server.port,
            username=server.username,
            password=server.password,
            use_tls=server.use_tls,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
    except aiosmtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(f"recipient refused: {error}") from error
    except aiosmtplib.SMTPResponseException as error:
        failure = PermanentFailure if 500 <= error.code < 600 else TransientFailure
        raise failure(f"SMTP {error.code}: {error.message}") from error
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
        raise TransientFailure(f"SMTP server unreachable: {error}") from error


async def send_sms(
    gateway_url: str, client: httpx.AsyncClient, *, to: str, text: str, message_id: str
) -> None:
    """POST {"to", "text", "id"} to the gateway; the id lets it drop a repeat. A gateway
    URL of the form log:PATH appends to that file instead (polku dev)."""
    if gateway_url.startswith("log:"):
        line = {"at": datetime.now(UTC).isoformat(), "to": to, "text": text, "id": message_id}
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
        raise TransientFailure(f"SMS gateway unreachable: {error}") from error
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientFailure(f"SMS gateway answered {response.status_code}")
    if response.status_code >= 400:
        raise PermanentFailure(f"SMS gateway refused the message ({response.status_code})")


def _append_line(path: Path, line: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as file:
        file.write(line + "\n")
