"""The client's page as a browser shows it: no serious or critical accessibility
violation by axe-core (WCAG 2.1 AA) in headless Chromium, no sideways scrolling on a
320-pixel screen, under 30 kB with nothing loaded from anywhere. The page has everything
it can show: group sessions (one cancelled), an online meeting, the calendar help and an
answer given.

`POLKU_WRITE_SCREENSHOT=1 uv run pytest tests/api/test_page_accessibility.py` writes the
README's docs/client-page.png anew (360 × 740, as a small phone shows it)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from httpx import AsyncClient

from tests.api.client_page import answer, in_group, page_client, page_link, read_page
from tests.api.coaching import create_plan
from tests.api.test_meetings import plan_meeting
from tests.chromium import axe, screenshot
from tests.factories import Factory

SCREENSHOT = Path(__file__).parents[2] / "docs" / "client-page.png"


async def fullest_page(api: AsyncClient, make: Factory, **client: object) -> str:
    worker, client_id = await page_client(make, **client)
    await make.consent(client_id, "calendar_feed", worker)
    programme = await in_group(api, make, worker, client_id)
    cancelled = await api.post(
        f"/api/v1/sessions/{programme['sessions'][2]['id']}/cancel",
        json={"reason": "Ohjaaja sairastui"},
        headers=worker.headers,
    )
    assert cancelled.status_code == 200, cancelled.text
    plan = await create_plan(api, worker, client_id)
    await plan_meeting(
        api, worker, plan["id"], location=None, online_url="https://meet.example.org/anna"
    )
    path = await page_link(api, worker, client_id)
    first = programme["sessions"][0]["id"]
    assert (await answer(api, path, "coming", session_id=first)).status_code == 303
    return await read_page(api, path)


def loads_nothing(html: str) -> list[str]:
    """Whatever in the markup would make a browser fetch something."""
    return [
        *re.findall(r"<(?:script|img|iframe|link|object|embed|video|audio|source)\b[^>]*>", html),
        *re.findall(r"\bsrc(?:set)?=", html),
        *re.findall(r"url\(|@import", html),
    ]


@pytest.mark.parametrize(
    ("language", "plain"), [("fi", False), ("fi", True), ("sv", False), ("en", True)]
)
async def test_the_page_has_no_serious_accessibility_violation_and_fits_320_pixels(
    api: AsyncClient, make: Factory, tmp_path: Path, language: str, plain: bool
) -> None:
    html = await fullest_page(api, make, language=language, plain_language=plain)
    assert "webcal://" in html and "<svg" in html  # the calendar help is there
    assert len(html.encode()) < 30_000
    assert loads_nothing(html) == []

    found = axe(html, tmp_path, width=320)
    serious = [v for v in found["violations"] if v["impact"] in {"serious", "critical"}]
    assert serious == []
    scroll_width, viewport = found["width"]
    assert viewport == 320
    assert scroll_width <= viewport, "the page scrolls sideways at 320 px"


async def test_axe_finds_what_it_should(tmp_path: Path) -> None:
    """The harness itself: a page with a nameless button and unlabeled field fails."""
    broken = (
        '<!doctype html><html lang="fi"><head><title>x</title></head><body><main>'
        '<form><input type="text"><button></button></form>'
        '<div style="width:600px">leveä</div></main></body></html>'
    )
    found = axe(broken, tmp_path, width=320)
    assert {"button-name", "label"} <= {v["id"] for v in found["violations"]}
    assert found["width"][0] > 320


@pytest.mark.skipif(not os.environ.get("POLKU_WRITE_SCREENSHOT"), reason="writes docs/")
async def test_write_the_screenshot(api: AsyncClient, make: Factory, tmp_path: Path) -> None:
    html = await fullest_page(api, make)
    screenshot(html, tmp_path, SCREENSHOT, width=360, height=740)
    assert SCREENSHOT.stat().st_size < 100_000
