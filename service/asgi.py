"""The app that uvicorn's processes build from the environment (`polku serve --workers N`)."""

from __future__ import annotations

from litestar import Litestar

from service.app import create_app
from service.base import logs
from service.base.settings import load_settings


def create_app_from_environment() -> Litestar:
    """The app of one API process. Each process configures its own logging: only the
    first inherits the command's."""
    settings = load_settings()
    logs.configure(settings.log_format or "json", settings.log_level)
    return create_app(settings)
