from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from service.settings import SettingsError, load_settings


def test_defaults_use_embedded_servers() -> None:
    settings = load_settings({}, env_file=None)
    assert settings.uses_embedded_servers
    assert settings.data_dir == ".polku"
    assert settings.token_ttl == timedelta(hours=12)


def test_environment_wins_over_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("DATABASE_URL=postgresql://file/db\nMAIL_FROM=file@polku\n")
    settings = load_settings({"DATABASE_URL": "postgresql://env/db"}, env_file=env_file)
    assert settings.database_url == "postgresql://env/db"
    assert settings.mail_from == "file@polku"


def test_a_bad_value_names_the_variable() -> None:
    with pytest.raises(SettingsError, match="POLKU_TOKEN_TTL"):
        load_settings({"POLKU_TOKEN_TTL": "forever"}, env_file=None)
    assert load_settings({"POLKU_TOKEN_TTL": "PT30M"}, env_file=None).token_ttl == timedelta(
        minutes=30
    )
