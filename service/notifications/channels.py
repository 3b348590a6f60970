"""Delivering one message: e-mail over SMTP, SMS through an HTTP gateway or a log file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.charset import BASE64, Charset
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formataddr, formatdate, parseaddr
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


# Headers outside ASCII in base64, decided once: the default ("shortest") measures
# quoted-printable and base64 for every header of every message.
_UTF8_BASE64 = Charset("utf-8")
_UTF8_BASE64.header_encoding = BASE64


def message_id_header(message_id: str) -> str:
    """The same on every try at one outbox message: a copy sent again after a worker died
    between the server's acceptance and recording it can be recognised as one."""
    return f"<{message_id}@polku>"


def build_email(email: Email, *, sender: str, message_id: str) -> Message:
    """Plain text, and for invites an iMIP text/calendar alternative (RFC 6047) whose
    method= matches the METHOD inside it."""
    if not email.to.isascii():
        return _build_international(email, sender=sender, message_id=message_id)
    # The legacy MIME classes build a message an order of magnitude faster than
    # EmailMessage, which parses every header it is given.
    text = MIMEText(email.text, "plain", "utf-8")
    message: Message = text
    if email.calendar is not None:
        message = MIMEMultipart("alternative")
        message.attach(text)
        calendar = MIMEText(email.calendar.decode(), "calendar", "utf-8")
        calendar.set_param("method", email.method or "PUBLISH")
        message.attach(calendar)
    name, address = parseaddr(sender)
    message["From"] = formataddr((name, address), charset=_UTF8_BASE64)
    message["To"] = formataddr((email.to_name or "", email.to), charset=_UTF8_BASE64)
    message["Subject"] = Header(email.subject, _UTF8_BASE64, header_name="Subject").encode()
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_header(message_id)
    return message


def _build_international(email: Email, *, sender: str, message_id: str) -> Message:
    """An address outside ASCII (mäkinen@…) needs SMTPUTF8, which only EmailMessage does."""
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = sender
    username, _, domain = email.to.rpartition("@")
    message["To"] = Address(display_name=email.to_name or "", username=username, domain=domain)
    message["Subject"] = email.subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_header(message_id)
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
    # The name we greet the server with (EHLO): the sender's domain. Left out,
    # aiosmtplib looks up this machine's name in a thread for every message.
    local_hostname: str = "localhost"

    @classmethod
    def from_url(cls, url: str, sender: str = "") -> SmtpServer:
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
            local_hostname=parseaddr(sender)[1].rpartition("@")[2] or "localhost",
        )


@contextlib.contextmanager
def _smtp_failures() -> Iterator[None]:
    """aiosmtplib's errors as worth-retrying or not."""
    try:
        yield
    except aiosmtplib.SMTPRecipientsRefused as error:
        raise PermanentFailure(f"recipient refused: {error}") from error
    except aiosmtplib.SMTPNotSupported as error:
        raise PermanentFailure(f"the SMTP server cannot take this message: {error}") from error
    except aiosmtplib.SMTPResponseException as error:
        failure = PermanentFailure if 500 <= error.code < 600 else TransientFailure
        raise failure(f"SMTP {error.code}: {error.message}") from error
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
        raise TransientFailure(f"SMTP server unreachable: {error}") from error


class SmtpPool:
    """A few SMTP connections kept open between messages: connecting afresh for each
    one costs a TCP handshake, the greeting, EHLO (and TLS, login) every time."""

    IDLE_SECONDS = 30.0

    def __init__(self, server: SmtpServer, size: int = 10) -> None:
        self.server = server
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(size)

    async def send(self, message: Message) -> None:
        async with self._slots:
            client, reused = await self._take()
            try:
                await self._send_on(client, message)
            except TransientFailure:
                if not reused:
                    raise
                # An idle connection the server had closed: nothing was sent on it.
                client, _ = await self._connect()
                await self._send_on(client, message)

    async def _send_on(self, client: aiosmtplib.SMTP, message: Message) -> None:
        try:
            with _smtp_failures():
                await client.send_message(message)
        except PermanentFailure:
            await self._put(client, reset=True)
            raise
        except (TransientFailure, asyncio.CancelledError):
            client.close()  # broken, or given up on mid-conversation: not to be reused
            raise
        await self._put(client)

    async def _take(self) -> tuple[aiosmtplib.SMTP, bool]:
        while self._idle:
            client, since = self._idle.pop()
            if client.is_connected and time.monotonic() - since < self.IDLE_SECONDS:
                return client, True
            await _quietly_quit(client)
        return await self._connect()

    async def _connect(self) -> tuple[aiosmtplib.SMTP, bool]:
        client = aiosmtplib.SMTP(
            hostname=self.server.hostname,
            port=self.server.port,
            use_tls=self.server.use_tls,
            local_hostname=self.server.local_hostname,
            timeout=SMTP_TIMEOUT_SECONDS,
        )
        with _smtp_failures():
            await client.connect()
            if self.server.username and self.server.password:
                await client.login(self.server.username, self.server.password)
        return client, False

    async def _put(self, client: aiosmtplib.SMTP, *, reset: bool = False) -> None:
        if not client.is_connected:
            return
        if reset:  # a refused message may leave its transaction open
            try:
                await client.rset()
            except aiosmtplib.SMTPException:
                client.close()
                return
        self._idle.append((client, time.monotonic()))

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for client, _ in idle:
            await _quietly_quit(client)


async def _quietly_quit(client: aiosmtplib.SMTP) -> None:
    with contextlib.suppress(aiosmtplib.SMTPException, OSError, TimeoutError):
        await client.quit()
    client.close()


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
