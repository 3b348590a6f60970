"""Typed settings from the environment and an optional `.env` file."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Literal

import msgspec
from dotenv import dotenv_values

from db.pool import APP_ROLE, login_as

# Field name → environment variable. The environment wins over `.env`.
ENVIRONMENT_NAMES = {
    "database_url": "DATABASE_URL",
    "app_database_url": "POLKU_APP_DATABASE_URL",
    "app_db_password": "POLKU_APP_DB_PASSWORD",
    "redis_url": "REDIS_URL",
    "public_url": "POLKU_PUBLIC_URL",
    "smtp_url": "SMTP_URL",
    "mail_from": "MAIL_FROM",
    "sms_gateway_url": "SMS_GATEWAY_URL",
    "sms_inbound_secret": "SMS_INBOUND_SECRET",
    "data_dir": "POLKU_DATA_DIR",
    "token_ttl": "POLKU_TOKEN_TTL",
    "forwarded_allow_ips": "FORWARDED_ALLOW_IPS",
    "log_level": "POLKU_LOG_LEVEL",
    "log_format": "POLKU_LOG_FORMAT",
    "access_log": "POLKU_ACCESS_LOG",
    "metrics": "POLKU_METRICS",
    "otel_endpoint": "OTEL_EXPORTER_OTLP_ENDPOINT",
    "db_pool_size": "POLKU_DB_POOL_SIZE",
    "read_audit_commit": "POLKU_READ_AUDIT_COMMIT",
    "send_lease": "POLKU_SEND_LEASE",
    "requeue_after": "POLKU_REQUEUE_AFTER",
}


class SettingsError(ValueError):
    """A setting has a value Polku cannot use; the message names the variable."""


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    # The owner of the schema: migrations only.
    database_url: str | None = None
    # The API's and the worker's login; see app_login_url.
    app_database_url: str | None = None
    # polku_app's password: `polku migrate` sets it on the role, app_login_url uses it.
    app_db_password: str | None = None
    redis_url: str | None = None
    public_url: str = "http://127.0.0.1:8000"
    smtp_url: str | None = None
    mail_from: str = "Polku <polku@localhost>"
    sms_gateway_url: str | None = None
    # The key the SMS gateway signs the replies it hands over with (POST /api/v1/sms/inbound);
    # without it no reply is taken and no message asks for one.
    sms_inbound_secret: str | None = None
    data_dir: str = ".polku"
    token_ttl: timedelta = timedelta(hours=12)
    # Reverse proxies whose X-Forwarded-For `polku serve` believes (comma-separated
    # addresses or networks, or *); from anyone else it is ignored.
    forwarded_allow_ips: str = ""
    log_level: str = "INFO"
    # One line per event as JSON or as text; unset, each command picks (JSON for `serve`
    # and `worker`, text for `dev` and the rest).
    log_format: Literal["json", "text"] | None = None
    # A line per request (method, route template, status, duration, request id).
    access_log: bool = True
    # GET /metrics and the timing of every request for it.
    metrics: bool = True
    # An OpenTelemetry collector's OTLP/HTTP base URL: traces of requests and jobs go
    # there (service/base/tracing.py; needs the `otel` extra). Unset, none are made.
    otel_endpoint: str | None = None
    # Connections per pool and API process (there is one pool for reads, one for changes).
    db_pool_size: Annotated[int, msgspec.Meta(ge=1, le=200)] = 10
    # How the audit rows of reads are committed: "async" does not wait for the
    # disk (a PostgreSQL or OS crash can lose the last fraction of a second of
    # them); "sync" waits, at about a quarter of the read throughput.
    read_audit_commit: Literal["async", "sync"] = "async"
    # A worker sending a message owns it this long; if it dies, the message is due again.
    send_lease: timedelta = timedelta(minutes=5)
    # A due message handed to Redis this long ago and still unsent is handed over again.
    requeue_after: timedelta = timedelta(minutes=1)

    @property
    def data_path(self) -> Path:
        return Path(self.data_dir).expanduser().resolve()

    @property
    def trusted_proxies(self) -> list[str]:
        """FORWARDED_ALLOW_IPS as a list; SettingsError for an entry uvicorn would not
        understand (it would silently never match)."""
        entries = [entry.strip() for entry in self.forwarded_allow_ips.split(",") if entry.strip()]
        if entries == ["*"]:
            return entries
        for entry in entries:
            parse = ipaddress.ip_network if "/" in entry else ipaddress.ip_address
            try:
                parse(entry)
            except ValueError:
                raise SettingsError(
                    f"FORWARDED_ALLOW_IPS: {entry!r} is not an IP address or network "
                    "(such as 10.0.0.5 or 10.0.0.0/24), nor * alone"
                ) from None
        return entries

    @property
    def app_login_url(self) -> str | None:
        """How the API and the worker log in: POLKU_APP_DATABASE_URL, or else DATABASE_URL
        as polku_app with POLKU_APP_DB_PASSWORD (none is needed under trust or peer
        authentication, as on the embedded server)."""
        if self.app_database_url is not None:
            return self.app_database_url
        if self.database_url is None:
            return None
        return login_as(self.database_url, APP_ROLE, self.app_db_password)

    @property
    def uses_embedded_servers(self) -> bool:
        no_database = self.database_url is None and self.app_database_url is None
        return no_database or self.redis_url is None


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: Path | None = Path(".env")
) -> Settings:
    values: dict[str, str | None] = {}
    if env_file is not None and env_file.is_file():
        values.update(dotenv_values(env_file))
    values.update(os.environ if environ is None else environ)
    raw = {field: value for field, name in ENVIRONMENT_NAMES.items() if (value := values.get(name))}
    try:
        return msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as error:
        field = str(error).rsplit("$.", 1)[-1].rstrip("`")
        name = ENVIRONMENT_NAMES.get(field, field)
        raise SettingsError(f"{name}: {str(error).split(' - at ')[0]}") from error
