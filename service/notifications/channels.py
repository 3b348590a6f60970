"""Delivering one message: e-mail over SMTP, SMS through an HTTP gateway or a log file."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, parseaddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

import aiosmtplib
import httpx

from service.base import clock

SMTP_TIMEOUT_SECONDS = 30
SMS_TIMEOUT_SECONDS = 15


class DeliveryFailure(Exception):
    """A try that did not deliver. `reason` is what a coach reads in the delivery log;
    `code` the server's answer ("SMTP 450", "HTTP 503") for the logs. Neither carries
    the recipient's address: servers often quote it in their answer, which is dropped."""

    def __init__(self, reason: str, *, code: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code


class TransientFailure(DeliveryFailure):
    """Worth trying again later: the server was away, busy, slow, or asked us to wait.
    `lasting` says what went wrong once it has gone on for too long."""

    def __init__(self, reason: str, *, lasting: str, code: str | None = None) -> None:
        super().__init__(reason, code=code)
        self.lasting = lasting


class PermanentFailure(DeliveryFailure):
    """Trying again will not help: the address was refused, the request rejected."""


@dataclass(frozen=True)
class Email:
    to: str
    to_name: str | None
    subject: str
    text: str
    calendar: bytes | None = None
    method: str | None = None


def message_id_header(message_id: str) -> str:
    """The same on every try at one outbox message: a copy sent again after a worker died
    between the server's acceptance and recording it can be recognised as one."""
    return f"<{message_id}@polku>"


@dataclass(frozen=True)
class Envelope:
    """A message ready for SMTP: who sends, who receives, and the bytes (CRLF line ends)."""

    sender: str
    recipient: str
    data: bytes
    smtputf8: bool = False


def build_email(email: Email, *, sender: str, message_id: str) -> Envelope:
    """Plain text, and for invites an iMIP text/calendar alternative (RFC 6047) whose
    method= matches the METHOD inside it."""
    sender_name, sender_address = parseaddr(sender)
    if not (email.to.isascii() and sender_address.isascii()):
        return _build_international(email, sender=sender, message_id=message_id)
    headers = [
        _header("From", _mailbox(sender_name, sender_address)),
        _header("To", _mailbox(email.to_name or "", email.to)),
        _header("Subject", _words(email.subject)),
        f"Date: {formatdate(usegmt=True)}",
        f"Message-ID: {message_id_header(message_id)}",
        "MIME-Version: 1.0",
    ]
    # Text travels with CRLF line ends (RFC 2046), inside base64 too.
    text = _part("text/plain; charset=utf-8", _crlf(email.text).encode())
    if email.calendar is None:
        body = text
    else:
        # No base64 text contains "-": the boundary cannot occur in the parts.
        boundary = f"polku-{message_id}"
        method = email.method or "PUBLISH"
        calendar = _part(f"text/calendar; charset=utf-8; method={method}", email.calendar)
        body = (
            f'Content-Type: multipart/alternative;\r\n boundary="{boundary}"\r\n\r\n'
            f"--{boundary}\r\n{text}\r\n--{boundary}\r\n{calendar}\r\n--{boundary}--\r\n"
        )
    data = "\r\n".join(headers) + "\r\n" + body
    return Envelope(sender=sender_address, recipient=email.to, data=data.encode("ascii"))


def _crlf(text: str) -> str:
    return "\r\n".join(text.splitlines()) + ("\r\n" if text.endswith("\n") else "")


def _part(content_type: str, payload: bytes) -> str:
    encoded = base64.encodebytes(payload).decode("ascii").replace("\n", "\r\n")
    return f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}"


# An encoded word may be 75 characters long (RFC 2047); 40 bytes of UTF-8 make one of 66,
# which leaves room for the header's name on its first line.
_WORD_BYTES = 40
_LINE = 78


def _words(text: str) -> list[str]:
    """A header value in pieces that may travel: ASCII words as written, anything else
    as base64 encoded words of whole characters. Line breaks never reach a header."""
    text = " ".join(text.split())
    if text.isascii():
        return text.split(" ") if text else []
    words, chunk = [], b""
    for character in text:
        encoded = character.encode()
        if len(chunk) + len(encoded) > _WORD_BYTES:
            words.append(chunk)
            chunk = b""
        chunk += encoded
    words.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(word).decode()}?=" for word in words]


def _mailbox(name: str, address: str) -> list[str]:
    """`Name <address>`, the name encoded when it is not ASCII."""
    name = " ".join(name.split())
    if not name:
        return [address]
    if name.isascii():
        return [formataddr((name, address))]
    return [*_words(name), f"<{address}>"]


def _header(name: str, pieces: list[str]) -> str:
    """`Name: pieces`, folded between pieces so that lines stay within 78 characters."""
    lines = [f"{name}:"]
    for piece in pieces:
        if len(lines[-1]) + 1 + len(piece) > _LINE and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += f" {piece}"
    return "\r\n".join(lines)


def _build_international(email: Email, *, sender: str, message_id: str) -> Envelope:
    """An address outside ASCII (mäkinen@…) needs SMTPUTF8, which only EmailMessage does."""
    message = EmailMessage(policy=policy.SMTPUTF8)
    message["From"] = sender
    username, _, domain = email.to.rpartition("@")
    name, subject = (" ".join((text or "").split()) for text in (email.to_name, email.subject))
    message["To"] = Address(display_name=name, username=username, domain=domain)
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id_header(message_id)
    message.set_content(email.text)
    if email.calendar is not None:
        message.add_alternative(
            email.calendar.decode(),
            subtype="calendar",
            params={"method": email.method or "PUBLISH"},
        )
    return Envelope(
        sender=parseaddr(sender)[1],
        recipient=email.to,
        data=message.as_bytes(policy=policy.SMTPUTF8),
        smtputf8=True,
    )


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


_UNREACHABLE = "the mail server could not be reached"


def _refusal(code: int, permanent: str) -> DeliveryFailure:
    """An SMTP answer about this message: 5xx for good, 4xx for now (RFC 5321 4.2.1)."""
    if 500 <= code < 600:
        return PermanentFailure(permanent, code=f"SMTP {code}")
    return TransientFailure(
        "the mail server asked to try again later",
        lasting="the mail server did not accept the message",
        code=f"SMTP {code}",
    )


@contextlib.contextmanager
def _sending_failures() -> Iterator[None]:
    """aiosmtplib's errors while handing over one message, as worth-retrying or not."""
    try:
        yield
    except aiosmtplib.SMTPRecipientsRefused as error:
        raise _refusal(error.recipients[0].code, "the mail server refused the address") from error
    except aiosmtplib.SMTPSenderRefused as error:
        raise _refusal(error.code, "the mail server refused Polku's sender address") from error
    except aiosmtplib.SMTPNotSupported as error:
        raise PermanentFailure(
            "the mail server does not take addresses with letters such as ä or ö"
        ) from error
    except (aiosmtplib.SMTPServerDisconnected, aiosmtplib.SMTPTimeoutError) as error:
        raise TransientFailure(_UNREACHABLE, lasting=_UNREACHABLE) from error
    except aiosmtplib.SMTPResponseException as error:
        raise _refusal(error.code, "the mail server refused the message") from error
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
        raise TransientFailure(_UNREACHABLE, lasting=_UNREACHABLE) from error


@contextlib.contextmanager
def _connecting_failures() -> Iterator[None]:
    """Failing to connect or log in is temporary whatever the server answers: it holds
    for every message alike, and whoever runs the servers can put it right."""
    try:
        yield
    except aiosmtplib.SMTPAuthenticationError as error:
        refused = "the mail server refused Polku's login"
        raise TransientFailure(refused, lasting=refused, code=f"SMTP {error.code}") from error
    except aiosmtplib.SMTPResponseException as error:
        raise TransientFailure(
            _UNREACHABLE, lasting=_UNREACHABLE, code=f"SMTP {error.code}"
        ) from error
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as error:
        raise TransientFailure(_UNREACHABLE, lasting=_UNREACHABLE) from error


class SmtpPool:
    """A few SMTP connections kept open between messages: connecting afresh for each
    one costs a TCP handshake, the greeting, EHLO (and TLS, login) every time."""

    IDLE_SECONDS = 30.0

    def __init__(self, server: SmtpServer, size: int = 10) -> None:
        self.server = server
        self._idle: list[tuple[aiosmtplib.SMTP, float]] = []
        self._slots = asyncio.Semaphore(size)

    async def send(self, message: Envelope) -> None:
        async with self._slots:
            client, reused = await self._take()
            try:
                await self._send_on(client, message)
            except TransientFailure as failure:
                if not reused or failure.code is not None:
                    raise
                # An idle connection the server had closed: nothing was sent on it.
                client, _ = await self._connect()
                await self._send_on(client, message)

    async def _send_on(self, client: aiosmtplib.SMTP, message: Envelope) -> None:
        try:
            with _sending_failures():
                await client.sendmail(
                    message.sender,
                    [message.recipient],
                    message.data,
                    mail_options=["SMTPUTF8"] if message.smtputf8 else None,
                )
        except DeliveryFailure as failure:
            if failure.code is None:
                client.close()  # broken: not to be reused
            else:
                await self._put(client, reset=True)  # an answer: the connection is fine
            raise
        except asyncio.CancelledError:
            client.close()  # given up on mid-conversation: not to be reused
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
        with _connecting_failures():
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
