"""`polku serve`'s app plus floor routes: bare Litestar handlers in the same app and
server that return, from memory, the same bodies the real endpoints build.

    python -m bench.server --port 8765   (DATABASE_URL and REDIS_URL set)
"""

from __future__ import annotations

import argparse
from typing import Any

import msgspec
import uvicorn
from litestar import Litestar, Response, get

from bench import generate
from bench.generate_page import PAGE_TOKEN
from db.pool import connect, create_fair_pool
from service.app import create_app
from service.base import logs
from service.base.rate_limit import Limit
from service.base.settings import Settings, load_settings
from service.base.tokens import digest
from service.client_page import links
from service.clients.types import ClientOut
from service.composers.client_page import limits, page
from service.composers.client_page.routes import PAGE_HEADERS
from service.composers.feeds import serving as feeds

FLOOR: dict[str, Any] = {}


@get("/floor/feed", include_in_schema=False, media_type="text/calendar")
async def floor_feed() -> Response[bytes]:
    return Response(content=FLOOR["feed"], media_type="text/calendar")


@get("/floor/page", include_in_schema=False)
async def floor_page() -> Response[str]:
    return Response(FLOOR["page"], media_type="text/html", headers=PAGE_HEADERS)


@get("/floor/clients/{client_id:str}", include_in_schema=False)
async def floor_client(client_id: str) -> ClientOut:
    client: ClientOut = FLOOR["clients"][client_id]
    return client


async def _load_floor(settings: Settings, database_url: str) -> None:
    conn = await connect(database_url)
    try:
        link = await links.open_link(conn, PAGE_TOKEN)
        assert link is not None, "the benchmark's page link does not open"
        FLOOR["page"] = (await page.read_page(conn, settings, PAGE_TOKEN, link, None)).html
        rows = await conn.fetch(
            """
            SELECT c.id, c.organisation_id, c.first_name, c.last_name, c.birth_date, c.gender,
                   c.home_municipality, c.email, c.phone, c.language, c.plain_language,
                   c.timezone, c.labour_market_status, c.education_level, c.created_at,
                   c.updated_at, c.non_disclosure,
                   ARRAY[]::text[] AS withheld_fields  -- her own clients: nothing withheld
            FROM clients c JOIN client_workers w ON w.client_id = c.id
            JOIN access_tokens t ON t.staff_id = w.staff_id
            WHERE t.token_hash = $1
            """,
            digest(generate.WORKER_TOKEN),
        )
    finally:
        await conn.close()
    pool = await create_fair_pool(database_url, max_size=1)
    try:
        FLOOR["feed"] = (await feeds.render_feed(pool, generate.FEED_TOKEN)).body
    finally:
        await pool.close()
    FLOOR["clients"] = {row["id"]: msgspec.convert(dict(row), ClientOut) for row in rows}


def create_bench_app() -> Litestar:
    settings = load_settings()
    # As `polku serve` logs: JSON lines to standard error (bench/run.py sends them to a file).
    logs.configure(settings.log_format or "json", settings.log_level)
    database_url = settings.app_login_url
    assert database_url is not None
    app = create_app(settings)
    app.register(floor_client)
    app.register(floor_feed)
    app.register(floor_page)
    # Every page read is counted in Redis as in production (that cost is measured), but
    # wrk's one address and one link must not be refused.
    limits.PER_ADDRESS = Limit(limits.PER_ADDRESS.name, 10**12, 600)
    limits.PER_LINK = Limit(limits.PER_LINK.name, 10**12, 600)

    async def load_floor() -> None:
        await _load_floor(settings, database_url)

    app.on_startup.append(load_floor)
    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    uvicorn.run(
        "bench.server:create_bench_app",
        factory=True,
        workers=args.workers,
        host="127.0.0.1",
        port=args.port,
        log_level="warning",
        access_log=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
