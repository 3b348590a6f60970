"""The interactive API docs under /schema, served whole by Polku itself: a pinned Scalar
build kept beside this module (docs_assets/, with its licence), and a page that names
nothing but this server. On a network without internet the docs still work, and they
tell no other host that someone read them.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Router
from litestar.datastructures import CacheControlHeader
from litestar.openapi.plugins import ScalarRenderPlugin
from litestar.static_files import create_static_files_router

ASSETS = Path(__file__).with_name("docs_assets")
SCALAR_VERSION = "1.76.4"
SCALAR_FILE = f"scalar-api-reference-{SCALAR_VERSION}.js"
ASSETS_PATH = "/schema/assets"

# Scalar without what would reach out: its fonts (fonts.scalar.com), telemetry, the AI
# agent and the hosted API client; "Try it" sends requests from the page to this server.
_OPTIONS: dict[str, Any] = {
    "withDefaultFonts": False,
    "telemetry": False,
    "hideClientButton": True,
    "agent": {"disabled": True},
    "showDeveloperTools": "never",
}


class OfflineScalar(ScalarRenderPlugin):
    """Scalar's page with the script from ASSETS_PATH and no favicon or stylesheet from a
    CDN (Litestar's default page loads all three from cdn.jsdelivr.net)."""

    def __init__(self) -> None:
        super().__init__(
            js_url=f"{ASSETS_PATH}/{SCALAR_FILE}",
            path=["/", "/scalar"],
            options=_OPTIONS,
            favicon="",
        )

    def render(self, request: Request[Any, Any, Any], openapi_schema: dict[str, Any]) -> bytes:
        title = html.escape(str(openapi_schema["info"]["title"]))
        options = html.escape(msgspec.json.encode(self.options).decode())
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} API</title>
{self.style}
</head>
<body>
<noscript>The interactive docs need JavaScript; the document itself is
<a href="{self.get_openapi_json_route(request)}">openapi.json</a>.</noscript>
<script id="api-reference" data-url="{self.get_openapi_json_route(request)}"
 data-configuration="{options}"></script>
<script src="{self.js_url}"></script>
</body>
</html>
""".encode()


def assets_router() -> Router:
    """The vendored files, cached for a year: their names change with their version."""
    return create_static_files_router(
        path=ASSETS_PATH,
        directories=[ASSETS],
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=365 * 24 * 3600, public=True),
        name="docs_assets",
        send_as_attachment=False,
    )
