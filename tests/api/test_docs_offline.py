"""The interactive docs under /schema work on a network without internet: the page and
everything it loads come from Polku itself (a pinned, vendored Scalar with its licence),
and nothing in the page names another host."""

from __future__ import annotations

import hashlib
import re
from urllib.parse import urljoin, urlsplit

import httpx
from litestar import Litestar

from service.base import api_docs

BASE = "http://127.0.0.1:8000"
_REFERENCE = re.compile(r"""(?:src|href|data-url|action)\s*=\s*["']([^"']+)["']|url\(([^)]+)\)""")
PINNED_SHA256 = "93951f1794b0463b87ab58d0557a6610075af79a9f94c2a3f261c993bc7f3913"


async def test_the_docs_page_and_all_it_loads_come_from_this_server(
    app: Litestar, api: httpx.AsyncClient
) -> None:
    # `api` keeps the app's lifespan running; this client reaches it as on loopback.
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as local:
        for page in ("/schema", "/schema/scalar"):
            response = await local.get(page)
            assert response.status_code == 200, page
            assert response.headers["content-type"].startswith("text/html")
            text = response.text
            assert "http://" not in text and "https://" not in text and "//" not in text
            references = {a or b for a, b in _REFERENCE.findall(text)}
            assert f"{api_docs.ASSETS_PATH}/{api_docs.SCALAR_FILE}" in references
            assert "/schema/openapi.json" in references
            for reference in references:
                url = urljoin(BASE + page, reference)
                assert urlsplit(url).hostname == "127.0.0.1", reference
                loaded = await local.get(url)
                assert loaded.status_code == 200, reference
            assert "&quot;withDefaultFonts&quot;:false" in text
            assert "&quot;telemetry&quot;:false" in text

        script = await local.get(f"{api_docs.ASSETS_PATH}/{api_docs.SCALAR_FILE}")
        assert "javascript" in script.headers["content-type"]
        assert "max-age=31536000" in script.headers["cache-control"]
        assert hashlib.sha256(script.content).hexdigest() == PINNED_SHA256
        licence = await local.get(f"{api_docs.ASSETS_PATH}/LICENSE-scalar.txt")
        assert licence.status_code == 200 and "MIT License" in licence.text
        assert (await local.get(f"{api_docs.ASSETS_PATH}/../api_docs.py")).status_code == 404
