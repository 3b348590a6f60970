"""`polku serve --access-log`: one line per request with no personal data in it.

uvicorn's own access line carries the query string (`?q=<surname>`) and the caller's
address. This one has the method, the route the request took, the status and the
duration. Path parameters are written out only when they are opaque ids: anything else
in their place (a name typed into a URL, a calendar feed's secret) shows as its name.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from litestar.types import ASGIApp, HTTPScope

from service.app import create_app
from service.base.http import observing_requests
from service.base.settings import load_settings

logger = logging.getLogger("polku.access")

_PARAMETER = re.compile(r"\{(\w+)(?::\w+)?\}")
_ID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def logged_path(scope: Any) -> str:
    """The path as routed: ids as sent, any other parameter as `{name}`."""
    template = scope.get("path_template")
    if not isinstance(template, str):
        return "(no route)"
    params = scope.get("path_params") or {}

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        sent = str(params.get(name, ""))
        return sent if _ID.match(sent) else f"{{{name}}}"

    return _PARAMETER.sub(value, template)


def _log_request(scope: HTTPScope, status: int, seconds: float) -> None:
    logger.info("%s %s %d %.1f ms", scope["method"], logged_path(scope), status, seconds * 1000)


def AccessLog(app: ASGIApp) -> ASGIApp:
    """ASGI middleware around the whole app: one line per request."""
    return observing_requests(app, _log_request)


def create_app_from_environment() -> ASGIApp:
    """The app of one `polku serve` process, with the access log. Each of several
    processes configures its own logging: only the first inherits the command's."""
    settings = load_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    return AccessLog(create_app(settings))
