"""`polku serve` logs JSON lines only, uvicorn's and the parent process's included, and
one access line per request without its query string, in every API process."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from service.base.settings import Settings
from tests.cli.test_cli import POLKU, _free_port, _wait_healthy


@pytest.mark.slow
def test_serve_logs_json_lines_with_method_route_status_and_duration_only(
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
        request_ids = set()
        for _ in range(10):  # enough for both processes to answer some
            searched = httpx.get(f"{base}/api/v1/clients", params={"q": "Virtanen"})
            assert searched.status_code == 401
            request_ids.add(searched.headers["x-request-id"])
        assert httpx.get(f"{base}/health?probe=anna@example.org").status_code == 200
    finally:
        serve.send_signal(signal.SIGTERM)
        _, stderr = serve.communicate(timeout=30)
    lines = [json.loads(line) for line in stderr.splitlines()]  # every line, or it fails
    assert {line["logger"] for line in lines} >= {"polku.access", "uvicorn.error"}
    access = [line for line in lines if line["logger"] == "polku.access"]
    searches = [line for line in access if line["route"] == "/api/v1/clients"]
    assert {line["request_id"] for line in searches} == request_ids
    assert {(line["method"], line["status"]) for line in searches} == {("GET", 401)}
    assert any(line["route"] == "/health" and line["status"] == 200 for line in access)
    for line in lines:
        text = json.dumps(line)
        assert "Virtanen" not in text and "anna@example.org" not in text, text
        assert "?" not in line["message"], line
