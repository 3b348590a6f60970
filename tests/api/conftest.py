"""Fixtures of the API tests beyond the suite's own (tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import msgspec
import pytest
from asgi_lifespan import LifespanManager

from service.app import create_app
from service.base.settings import Settings
from tests.api.sms import SECRET


@pytest.fixture(scope="module")
async def sms_api(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The API with SMS_INBOUND_SECRET set, as a gateway reaches it."""
    app = create_app(msgspec.structs.replace(settings, sms_inbound_secret=SECRET))
    async with LifespanManager(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://polku.test") as client:
            yield client
