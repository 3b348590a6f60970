"""The app that uvicorn's processes build from the environment (`polku serve --workers N`)."""

from __future__ import annotations

from litestar import Litestar

from service.app import create_app
from service.base.settings import load_settings


def create_app_from_environment() -> Litestar:
    return create_app(load_settings())
