"""Headless Chromium (the Debian `chromium` binary) driven over the DevTools protocol, for
tests of HTML pages: axe-core over a page, whether it scrolls sideways on a narrow
screen, and a screenshot. Nothing is fetched: axe-core is vendored in
tests/fixtures/axe/ and injected through the protocol, and the page is a local file.

The client's page sends a Content-Security-Policy that allows no script; the served HTML
(the same markup) is saved as a file, opened without that header, and axe is evaluated in
it through the protocol. Headless Chromium will not make a window narrower than 500
pixels, so the screen is emulated (Emulation.setDeviceMetricsOverride) as a phone's.
The protocol runs over a pipe (--remote-debugging-pipe: fd 3 in, fd 4 out, each message
JSON ending in a NUL byte), so no port and no WebSocket library are needed."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
AXE = Path(__file__).parent / "fixtures" / "axe" / "axe.min.js"

_RUN_AXE = """
axe.run(document, {resultTypes: ["violations"]}).then((results) => ({
  width: [document.documentElement.scrollWidth, window.innerWidth],
  violations: results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.html.slice(0, 200)),
  })),
}))
"""


def require_chromium() -> str:
    if CHROMIUM is None:
        # CI installs chromium and sets this, so there the test cannot pass by skipping.
        if os.environ.get("POLKU_TEST_REQUIRE_CHROMIUM"):
            pytest.fail("chromium is needed to test the page in a browser")
        pytest.skip("needs chromium")
    return CHROMIUM


def _high(fds: tuple[int, int]) -> tuple[int, int]:
    """The pipe's ends moved above 10, so that putting them at 3 and 4 in the child
    cannot overwrite one with the other."""
    moved = tuple(fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in fds)
    for fd in fds:
        os.close(fd)
    return moved[0], moved[1]


class Browser:
    """One headless Chromium with one page, spoken to over the DevTools pipe."""

    def __init__(self, folder: Path) -> None:
        to_browser_read, self._to_browser = _high(os.pipe())
        self._from_browser, from_browser_write = _high(os.pipe())
        self._process = subprocess.Popen(
            [
                require_chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                f"--user-data-dir={folder / 'profile'}",
                "about:blank",
            ],
            pass_fds=(3, 4),
            preexec_fn=lambda: (os.dup2(to_browser_read, 3), os.dup2(from_browser_write, 4)),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium went away")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed

    def call(self, method: str, *, in_page: bool = False, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if in_page:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + 60
        while True:
            answer = self._read(deadline)
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                result: dict[str, Any] = answer["result"]
                return result
            self.events.append(answer)

    def wait_for(self, event: str) -> None:
        deadline = time.monotonic() + 60
        while not any(e.get("method") == event for e in self.events):
            self.events.append(self._read(deadline))

    def open(self, html: str, folder: Path, *, width: int, height: int) -> None:
        """The page as a phone `width` × `height` CSS pixels shows it."""
        page = folder / "page.html"
        page.write_text(html, encoding="utf-8")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            in_page=True,
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=True,
        )
        self.call("Page.enable", in_page=True)
        self.events.clear()
        self.call("Page.navigate", in_page=True, url=page.as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        answer = self.call(
            "Runtime.evaluate",
            in_page=True,
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in answer:
            raise RuntimeError(answer["exceptionDetails"])
        return answer["result"].get("value")

    def close(self) -> None:
        try:
            self.call("Browser.close")
        finally:
            self._process.wait(timeout=30)
            os.close(self._to_browser)
            os.close(self._from_browser)


def axe(html: str, folder: Path, *, width: int = 320) -> dict[str, Any]:
    """axe-core's violations of the page, and its [scroll width, screen width], on a
    screen `width` CSS pixels wide."""
    browser = Browser(folder)
    try:
        browser.open(html, folder, width=width, height=740)
        browser.evaluate(AXE.read_text(encoding="utf-8"))
        found: dict[str, Any] = browser.evaluate(_RUN_AXE)
        return found
    finally:
        browser.close()


def screenshot(html: str, folder: Path, target: Path, *, width: int, height: int) -> None:
    """A PNG of the page's first screen on a phone `width` × `height` CSS pixels."""
    browser = Browser(folder)
    try:
        browser.open(html, folder, width=width, height=height)
        image = browser.call("Page.captureScreenshot", in_page=True, format="png")["data"]
        target.write_bytes(base64.b64decode(image))
    finally:
        browser.close()
