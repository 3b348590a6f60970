"""`polku dev`'s mail catcher: a local SMTP server that keeps each message as an .eml
file (any mail program opens them), so invites and reminders can be read."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from service.base import clock


class _SaveToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        recipient = envelope.rcpt_tos[0].replace("@", "_at_") if envelope.rcpt_tos else "unknown"
        (self.folder / f"{stamp}-{recipient}.eml").write_bytes(envelope.original_content)
        return "250 Kept for reading"


class MailCatcher:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        try:
            from aiosmtpd.controller import Controller  # in the `embedded` dependency group
        except ImportError as missing:
            raise OSError(
                "polku dev needs the embedded servers and mail catcher, which this install "
                "lacks: uv sync --group embedded"
            ) from missing
        self._controller = Controller(_SaveToFolder(folder), hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()
