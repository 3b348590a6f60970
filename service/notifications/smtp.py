"""Handing e-mail to the SMTP server over a few kept-open connections, and what its
answers mean for trying again."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from service.notifications.delivery_failures import (
    DeliveryFailure,
    PermanentFailure,
    TransientFailure,
)
from service.notifications.mail_format import Envelope

SMTP_TIMEOUT_SECONDS = 30


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
