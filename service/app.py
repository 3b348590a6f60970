"""The Litestar application: lifespan (pool, Redis), routers, one error mapper."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from litestar import Litestar, Request
from litestar.datastructures import State
from litestar.di import Provide
from litestar.openapi import OpenAPIConfig
from litestar.openapi.spec import Components, SecurityScheme
from redis.asyncio import Redis

from db.pool import FairPool, create_fair_pool
from service import health
from service.accounts import routes as accounts
from service.base import api_docs, logs, openapi, redis_pool, tracing
from service.base.http import (
    RequestObserver,
    provide_connection,
    refuse_nul_characters,
    request_middleware,
)
from service.base.identity import TokenCache, provide_actor
from service.base.identity import subscribe as subscribe_token_cache
from service.base.listener import Listener
from service.base.problems import EXCEPTION_HANDLERS
from service.base.settings import Settings
from service.clients import routes as clients
from service.clients.records import ClientReads
from service.coaching import routes as coaching
from service.coaching.assessments import install_shipped
from service.coaching.plan_view import PlanReads
from service.composers import routes as composers
from service.composers.client_page import page_cache
from service.composers.client_page import routes as client_page
from service.composers.client_page.kept_reads import KeptReads
from service.composers.data_rights import routes as data_rights
from service.composers.export import routes as export
from service.composers.feeds import routes as feeds
from service.composers.feeds.cache import FeedCache
from service.composers.feeds.cache import committing as feed_commit_guard
from service.composers.feeds.cache import subscribe as subscribe_feed_cache
from service.composers.notices import routes as notices
from service.composers.questionnaires import catalogue as questionnaire_catalogue
from service.composers.questionnaires import routes as questionnaires
from service.composers.sms_replies import routes as sms_replies
from service.composers.worklist import routes as worklist
from service.metrics import Metrics
from service.metrics import routes as metrics_routes
from service.notifications import routes as notifications
from service.outcomes import routes as outcomes
from service.programmes import routes as programmes
from service.referrals import routes as referrals
from service.reports import routes as reports

REDIS_TIMEOUT_SECONDS = 2.0


def create_app(settings: Settings) -> Litestar:
    if settings.app_login_url is None or settings.redis_url is None:
        raise ValueError("create_app needs a resolved database login and REDIS_URL")
    database_url, redis_url = settings.app_login_url, settings.redis_url

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        size = settings.db_pool_size
        app.state.pool = await create_fair_pool(database_url, max_size=size)
        # Reads write only their audit rows; see Settings.read_audit_commit.
        app.state.read_pool = await create_fair_pool(
            database_url,
            max_size=size,
            synchronous_commit="off" if settings.read_audit_commit == "async" else "on",
        )
        app.state.client_reads = ClientReads(app.state.read_pool)
        app.state.plan_reads = PlanReads(app.state.read_pool)
        app_metrics.pools.update(write=app.state.pool, read=app.state.read_pool)
        # A Redis that drops packets must not hang sign-in: a 503 after two seconds.
        app.state.redis = redis_pool.connect(redis_url, REDIS_TIMEOUT_SECONDS)
        async with app.state.pool.acquire() as conn:
            await install_shipped(conn)
            await questionnaire_catalogue.install_shipped(conn)
        listener = Listener(database_url)
        subscribe_feed_cache(listener, app.state.feed_cache)
        page_cache.subscribe(listener, app.state.page_cache)
        subscribe_token_cache(listener, app.state.token_cache)
        listening = asyncio.create_task(listener.run())
        # Everything built so far lives as long as the app: keep it out of the
        # collector's full passes, which otherwise stall requests now and then.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await listening
            await app.state.redis.aclose()
            await app.state.read_pool.close()
            await app.state.pool.close()
            if tracer is not None:  # the spans not sent yet go now
                await asyncio.to_thread(tracer.shutdown)

    def provide_settings() -> Settings:
        return settings

    def provide_redis(request: Request[Any, Any, Any]) -> Redis:
        redis: Redis = request.app.state.redis
        return redis

    def provide_pool(request: Request[Any, Any, Any]) -> FairPool:
        pool: FairPool = request.app.state.pool
        return pool

    feed_cache = FeedCache()
    app_metrics = Metrics()
    # What is told how each request ended.
    observers: list[RequestObserver] = []
    if settings.metrics:
        observers.append(app_metrics.observe)
    if settings.access_log:
        observers.append(logs.log_access)
    tracer = tracing.from_settings(settings, "api")

    app = Litestar(
        route_handlers=[
            *health.routes,
            *(metrics_routes if settings.metrics else []),
            *accounts.routers,
            *clients.routers,
            *programmes.routers,
            *coaching.routers,
            *referrals.routers,
            *reports.routers,
            *notifications.routers,
            *feeds.routers,
            *composers.routers,
            *client_page.routers,
            *notices.routers,
            *sms_replies.routers,
            *outcomes.routers,
            *worklist.routers,
            api_docs.assets_router(),
            *data_rights.routers,
            *export.routers,
            *questionnaires.routers,
        ],
        lifespan=[lifespan],
        # Per app rather than per module, so that two apps in one test are two API processes.
        state=State(
            {
                "settings": settings,
                "token_cache": TokenCache(),
                "feed_cache": feed_cache,
                "page_cache": page_cache.new_cache(),
                "kept_reads": KeptReads(),
                # Held around every COMMIT of a request (service/base/http.py).
                "commit_guards": [feed_commit_guard, page_cache.committing],
                "metrics": app_metrics,
                # Requests waiting for a pooled connection (service/base/http.py).
                "pool_waiting": app_metrics.waiting,
            }
        ),
        dependencies={
            "conn": Provide(provide_connection),
            "actor": Provide(provide_actor),
            "settings": Provide(provide_settings, sync_to_thread=False),
            "redis": Provide(provide_redis, sync_to_thread=False),
            "pool": Provide(provide_pool, sync_to_thread=False),
        },
        middleware=[request_middleware(*observers, tracer=tracer)],
        before_request=refuse_nul_characters,
        exception_handlers=EXCEPTION_HANDLERS,
        openapi_config=OpenAPIConfig(
            title="Polku",
            version="1",
            description="Group programmes, coaching, referral pathways, reminders and calendars "
            "for social-rehabilitation work.",
            path="/schema",
            render_plugins=[api_docs.OfflineScalar()],
            operation_id_creator=openapi.operation_id,
            use_handler_docstrings=True,
            create_examples=False,
            components=Components(
                security_schemes={
                    "bearer": SecurityScheme(type="http", scheme="bearer", bearer_format="opaque")
                }
            ),
        ),
        logging_config=None,
        debug=False,
    )
    openapi.describe_from_docstrings(app)
    openapi.polish(app)
    return app
