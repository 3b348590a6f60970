"""What the command-line tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from service.base.settings import Settings


@pytest.fixture
def external_env(settings: Settings, tmp_path: Path) -> dict[str, str]:
    """The environment of a production-like run against the test servers."""
    assert settings.database_url and settings.redis_url
    return {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "POLKU_DATA_DIR": str(tmp_path / "data"),
    }
