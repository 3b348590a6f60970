"""`polku serve --access-log` logs each request without its query string, in every
API process."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from service.base.settings import Settings
from tests.cli.test_cli import POLKU, _free_port, _wait_healthy


@pytest.mark.slow
def test_the_access_log_has_method_route_status_and_duration_only(
    settings: Settings, tmp_path: Path
) -> None:
    assert settings.database_url and settings.redis_url
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "REDIS_URL": settings.redis_url,
        "POLKU_DATA_DIR": str(tmp_path / "data"),
    }
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen(
        [
            POLKU,
            "serve",
            "--access-log",
            "--workers",
            "2",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_healthy(base, 60)
        for _ in range(10):  # enough for both processes to answer some
            searched = httpx.get(f"{base}/api/v1/clients", params={"q": "Virtanen"})
            assert searched.status_code == 401
        assert httpx.get(f"{base}/health?probe=anna@example.org").status_code == 200
    finally:
        serve.send_signal(signal.SIGTERM)
        _, stderr = serve.communicate(timeout=30)
    access = [line for line in stderr.splitlines() if "polku.access" in line]
    assert any(line.endswith(" ms") and " GET /api/v1/clients 401 " in line for line in access)
    assert any(" GET /health 200 " in line for line in access)
    for line in stderr.splitlines():
        assert "Virtanen" not in line and "anna@example.org" not in line, line
        assert "?" not in line.split(" /", 1)[-1], line
