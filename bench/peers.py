"""What a user would run instead, measured beside Polku: Radicale serving the same
calendar as a CalDAV collection."""

from __future__ import annotations

import base64
import contextlib
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from bench.load import Request

RADICALE_USER = "bench"
RADICALE_COLLECTION = f"/{RADICALE_USER}/calendar/"
RADICALE_AUTH = "Basic " + base64.b64encode(f"{RADICALE_USER}:{RADICALE_USER}".encode()).decode()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def radicale(calendar: bytes) -> Iterator[tuple[str, list[Request], dict[str, str]]]:
    """Radicale on loopback holding `calendar` as one collection; yields its base URL,
    the request that reads the collection, and the headers it needs."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        port = _free_port()
        config = folder / "config"
        config.write_text(
            "[server]\n"
            f"hosts = 127.0.0.1:{port}\n"
            "[auth]\ntype = none\n"
            "[rights]\ntype = owner_only\n"
            f"[storage]\nfilesystem_folder = {folder / 'collections'}\n"
            "[web]\ntype = none\n"
            "[logging]\nlevel = warning\n"
        )
        process = subprocess.Popen([sys.executable, "-m", "radicale", "--config", str(config)])
        base = f"http://127.0.0.1:{port}"
        headers = {"Authorization": RADICALE_AUTH}
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    httpx.get(base, headers=headers)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise SystemExit("bench: Radicale did not start") from None
                    time.sleep(0.1)
            uploaded = httpx.put(
                base + RADICALE_COLLECTION,
                content=calendar,
                headers={**headers, "Content-Type": "text/calendar"},
            )
            uploaded.raise_for_status()
            check = httpx.get(base + RADICALE_COLLECTION, headers=headers)
            events = check.text.count("BEGIN:VEVENT")
            if events != calendar.decode().count("BEGIN:VEVENT"):
                raise SystemExit(f"bench: Radicale serves {events} events, not the feed's")
            yield base, [Request("GET", RADICALE_COLLECTION)], headers
        finally:
            process.terminate()
            process.wait(10)
