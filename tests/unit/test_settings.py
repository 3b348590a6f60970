from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import msgspec
import pytest

from service.base.settings import SettingsError, load_settings


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


def test_the_app_logs_in_as_polku_app_with_its_own_password_only() -> None:
    settings = load_settings(
        {
            "DATABASE_URL": "postgresql://owner:owner-secret@db:5432/polku?sslmode=require",
            "POLKU_APP_DB_PASSWORD": "p@ss:w/rd",
        },
        env_file=None,
    )
    assert (
        settings.app_login_url
        == "postgresql://polku_app:p%40ss%3Aw%2Frd@db:5432/polku?sslmode=require"
    )
    no_password = msgspec.structs.replace(settings, app_db_password=None)
    assert no_password.app_login_url == "postgresql://polku_app@db:5432/polku?sslmode=require"
    in_query = msgspec.structs.replace(
        no_password, database_url="postgresql:///polku?host=/run/pg&user=owner&password=secret"
    )
    assert in_query.app_login_url == "postgresql://polku_app@/polku?host=%2Frun%2Fpg"
    embedded = msgspec.structs.replace(
        no_password, database_url="postgresql://postgres:@/polku?host=/tmp/pg"
    )
    assert embedded.app_login_url == "postgresql://polku_app@/polku?host=/tmp/pg"


def test_an_app_login_of_its_own_needs_no_owner_and_no_embedded_server() -> None:
    settings = load_settings(
        {"POLKU_APP_DATABASE_URL": "postgresql://api@db/polku", "REDIS_URL": "redis://r/0"},
        env_file=None,
    )
    assert settings.database_url is None
    assert settings.app_login_url == "postgresql://api@db/polku"
    assert not settings.uses_embedded_servers
    assert load_settings({}, env_file=None).app_login_url is None
