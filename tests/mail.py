"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives."""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Mailbox:
    """aiosmtpd handler: every accepted message, parsed. `refuse` answers RCPT with a code;
    `answers` answers the next RCPTs, one each (a greylisting 450 for the first, say);
    `stall` holds RCPT until released, so a sender can be caught mid-conversation; `reply`
    cleared keeps a message but holds the answer to its DATA (`kept` tells when)."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: str | None = None
        self.answers: list[str] = []
        self.stall = threading.Event()
        self.stall.set()
        self.stalled = threading.Event()
        self.reply = threading.Event()
        self.reply.set()
        self.kept = threading.Event()
        self._lock = threading.Lock()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse:
            return self.refuse
        with self._lock:
            if self.answers:
                return self.answers.pop(0)
        if not self.stall.is_set():
            self.stalled.set()
            await asyncio.to_thread(self.stall.wait)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(message)  # type: ignore[arg-type]
        self.kept.set()
        if not self.reply.is_set():
            await asyncio.to_thread(self.reply.wait)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        with self._lock:
            return [m for m in self.messages if address in str(m["To"])]


class MailServer:
    def __init__(self) -> None:
        self.mailbox = Mailbox()
        self.port = free_port()
        self._controller = Controller(
            self.mailbox, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=True
        )

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def __enter__(self) -> MailServer:
        self._controller.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.mailbox.stall.set()
        self.mailbox.reply.set()
        self._controller.stop()
