"""The embedded servers: shared by every process on one data directory, stopped by the last."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import asyncpg
import psutil
import pytest
import redis

from db.embedded import EmbeddedServers

pytestmark = pytest.mark.slow

HOLD_SERVERS = """
import sys, time
from pathlib import Path
from db.embedded import EmbeddedServers
with EmbeddedServers(Path(sys.argv[1])) as urls:
    print(urls.database_url, urls.redis_url, flush=True)
    sys.stdin.readline()
"""


def _alive(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_servers_are_shared_and_stopped_by_the_last_user(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with subprocess.Popen(
        [sys.executable, "-c", HOLD_SERVERS, str(data_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as other:
        assert other.stdout is not None and other.stdin is not None
        other_urls = other.stdout.readline().split()
        servers = EmbeddedServers(data_dir)
        urls = servers.start()
        assert [urls.database_url, urls.redis_url] == other_urls
        state_pids = servers._read_state()
        postgres_pid, valkey_pid = state_pids["postgres_pid"], state_pids["valkey_pid"]

        # The first process leaving keeps the servers for the one still using them.
        other.stdin.write("\n")
        other.stdin.flush()
        assert other.wait(20) == 0
    assert _alive(postgres_pid) and _alive(valkey_pid)
    with redis.Redis.from_url(urls.redis_url) as client:
        assert client.ping()

    servers.stop()
    assert not _alive(postgres_pid)
    assert not _alive(valkey_pid)


def test_records_survive_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    async def write_then_read(url: str, write: bool) -> int:
        conn = await asyncpg.connect(url)
        try:
            if write:
                await conn.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)")
            return int(await conn.fetchval("SELECT n FROM kept"))
        finally:
            await conn.close()

    with EmbeddedServers(data_dir) as urls:
        assert asyncio.run(write_then_read(urls.database_url, True)) == 42
    with EmbeddedServers(data_dir) as urls:
        assert asyncio.run(write_then_read(urls.database_url, False)) == 42


def test_a_stale_servers_file_signals_no_stranger(tmp_path: Path) -> None:
    """After a reboot servers.json names process ids that now belong to anything."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"]) as stranger:
        try:
            stale = {
                "database_url": "postgresql://127.0.0.1:1/polku",
                "redis_url": "redis://127.0.0.1:1/0",
                "postgres_pid": stranger.pid,
                "valkey_pid": stranger.pid,
            }
            for started in ({}, {"postgres_started": 1.0, "valkey_started": 1.0}):
                (data_dir / "servers.json").write_text(json.dumps({**stale, **started}))
                servers = EmbeddedServers(data_dir)
                urls = servers.start()
                assert _alive(stranger.pid)
                with redis.Redis.from_url(urls.redis_url) as client:
                    assert client.ping()
                state = servers._read_state()
                assert stranger.pid not in (state["postgres_pid"], state["valkey_pid"])
                servers.stop()
                assert _alive(stranger.pid)
                assert not _alive(state["postgres_pid"]) and not _alive(state["valkey_pid"])
        finally:
            stranger.kill()
