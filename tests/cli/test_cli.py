"""The `polku` command as a newcomer uses it."""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import os
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from service.accounts import throttle
from tests.factories import PASSWORD, Factory

POLKU = str(Path(sys.executable).parent / "polku")


def run(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [POLKU, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def test_run_as_a_module_it_knows_every_command() -> None:
    # `python -m service.cli` runs main() where the guard stands: after every group.
    result = subprocess.run(
        [sys.executable, "-m", "service.cli", "services", "--help"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "import" in result.stdout


def test_version_is_the_installed_package_s() -> None:
    answered = run(["--version"], dict(os.environ))
    assert answered.returncode == 0, answered.stderr
    assert answered.stdout == f"polku {importlib.metadata.version('polku')}\n"
    with open(Path(__file__).resolve().parents[2] / "pyproject.toml", "rb") as project:
        assert answered.stdout.split()[1] == tomllib.load(project)["project"]["version"]


def test_migrate_twice_is_a_no_op(external_env: dict[str, str]) -> None:
    first = run(["migrate"], external_env)
    assert first.returncode == 0, first.stderr
    second = run(["migrate"], external_env)
    assert second.stdout.strip() == "database is up to date"


async def test_admin_create_then_sign_in(
    external_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    args = [
        "admin",
        "create",
        "--email",
        "root@polku.test",
        "--password",
        "a long password 1",
        "--organisation",
        "Järvimaan hyvinvointialue",
    ]
    created = run(args, external_env)
    assert created.returncode == 0, created.stderr
    assert "created admin root@polku.test in Järvimaan hyvinvointialue" in created.stdout
    token = await api.post(
        "/api/v1/auth/token", json={"email": "root@polku.test", "password": "a long password 1"}
    )
    me = await api.get(
        "/api/v1/me", headers={"Authorization": f"Bearer {token.json()['access_token']}"}
    )
    assert me.json()["roles"] == ["admin"]
    again = run(args, external_env)
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1:] == [
        "polku: a staff account with e-mail root@polku.test exists already"
    ]
    weak = run(["admin", "create", "--email", "x@polku.test", "--password", "short"], external_env)
    assert weak.returncode == 1
    assert "--password" in weak.stderr
    assert "Traceback" not in weak.stderr


def test_admin_create_refuses_an_easily_guessed_password(external_env: dict[str, str]) -> None:
    for password in ("password123", "ROOT.ADMIN"):
        args = ["admin", "create", "--email", "root.admin@polku.test", "--password", password]
        weak = run(args, external_env)
        assert weak.returncode == 1, password
        [warning, line] = weak.stderr.strip().splitlines()
        assert warning.startswith("polku: warning: --password shows the password")
        assert line.startswith("polku: --password ")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, timeout: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return time.monotonic() - started
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"{url} was not healthy within {timeout} s")


@pytest.mark.slow
def test_dev_runs_everything_and_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env["POLKU_DATA_DIR"] = str(tmp_path / "data")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"

    def start(extra: list[str]) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [POLKU, "dev", "--port", str(port), *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    dev = start(["--demo"])
    try:
        _wait_healthy(base, 30)
        # A second dev on the same data, and anything on a taken port, explain in one line.
        second = run(["dev", "--port", str(_free_port())], env)
        assert second.returncode == 1
        assert second.stderr.strip().splitlines() == [
            f"polku: polku dev is already running with data in {tmp_path / 'data'}"
        ]
        taken = run(["dev", "--port", str(port)], {**env, "POLKU_DATA_DIR": str(tmp_path / "x")})
        assert taken.returncode == 1
        assert taken.stderr.strip().splitlines() == [
            f"polku: port {port} on 127.0.0.1 is already in use; stop what uses it or pass --port"
        ]
        # Other commands use the servers dev started, and leave them running.
        assert run(["migrate"], env).stdout.strip() == "database is up to date"
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"email": "sanna.virtanen@jarvimaa.example", "password": "polku-demo-2026"},
        )
        assert token.status_code == 200
        state = json.loads((tmp_path / "data" / "servers.json").read_text())
        deadline = time.monotonic() + 20
        while not list((tmp_path / "data" / "mail").glob("*.eml")):
            assert time.monotonic() < deadline, "the demo's invites never reached the mail folder"
            time.sleep(0.2)
    finally:
        dev.send_signal(signal.SIGINT)
        out, err = dev.communicate(timeout=30)
    assert dev.returncode == 0, err
    assert "admin@jarvimaa.example / polku-demo-2026" in out
    assert "analyst       raportit@jarvimaa.example / polku-demo-2026" in out
    assert f"calendar of Jari Mäkinen: {base}/feeds/pf_" in out
    assert f"own page of Jari Mäkinen: {base}/p/pp_" in out
    assert "new calendar links; earlier ones answer 404" in out  # why old links stop working
    assert "Traceback" not in err
    assert "mail.log" not in err  # the mail catcher's chatter does not bury the banner
    for pid in (state["postgres_pid"], state["valkey_pid"]):
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE

    # A warm restart keeps every record and is healthy quickly.
    dev = start([])
    try:
        assert _wait_healthy(base, 10) < 10
        token = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"email": "sanna.virtanen@jarvimaa.example", "password": "polku-demo-2026"},
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        clients = httpx.get(f"{base}/api/v1/clients", headers=headers).json()["items"]
        assert len(clients) == 21  # four groups' clients, all referred or enrolled by her
        jari = next(c["id"] for c in clients if c["first_name"] == "Jari")
        [plan] = httpx.get(f"{base}/api/v1/clients/{jari}/plans", headers=headers).json()["items"]
        gas = httpx.get(f"{base}/api/v1/plans/{plan['id']}/gas", headers=headers).json()
        assert (gas["baseline_t_score"], gas["t_score"]) == (37.95, 50.0)
        feed_line = next(line for line in out.splitlines() if "calendar of Jari" in line)
        feed = httpx.get(feed_line.split()[-1]).text
        assert feed.count("BEGIN:VEVENT") == 9  # eight group sessions and a coaching meeting
        assert "SUMMARY:Valmennustapaaminen" in feed
        page_line = next(line for line in out.splitlines() if "own page of Jari" in line)
        page = httpx.get(page_line.split()[-1])
        assert page.status_code == 200
        assert "Hei Jari!" in page.text
    finally:
        dev.send_signal(signal.SIGINT)
        dev.communicate(timeout=30)
    assert dev.returncode == 0


async def test_services_import_reports_bad_rows_and_imports_all_or_nothing(
    external_env: dict[str, str], db: Any
) -> None:
    fixtures = Path(__file__).parent.parent / "fixtures" / "hsds"
    broken = run(["services", "import", str(fixtures / "broken.json")], external_env)
    assert broken.returncode == 1
    assert broken.stderr.splitlines() == [
        f"{fixtures / 'broken.json'}: 2 bad row(s):",
        "  email: must be an e-mail address such as name@example.fi (line 7)",
        "  name: missing (line 13)",
        "polku: 2 bad row(s); nothing imported (--skip-bad-rows imports the rest)",
    ]
    assert await db.fetchval("SELECT count(*) FROM services") == 0
    skipped = run(
        ["services", "import", "--skip-bad-rows", str(fixtures / "broken.json")], external_env
    )
    assert skipped.returncode == 0, skipped.stderr
    assert skipped.stdout.strip() == "imported 1 service(s): 1 new, 0 updated, skipped 2 bad row(s)"

    first = run(["services", "import", str(fixtures / "services.json")], external_env)
    assert first.stdout.strip() == "imported 2 service(s): 2 new, 0 updated"
    again = run(["services", "import", str(fixtures / "services.json")], external_env)
    assert again.stdout.strip() == "imported 2 service(s): 0 new, 2 updated"
    rows = await db.fetch(
        "SELECT s.name, o.name AS provider, o.kind FROM services s "
        "JOIN organisations o ON o.id = s.organisation_id ORDER BY s.name"
    )
    assert [(r["name"], r["provider"]) for r in rows] == [
        ("Hyvä palvelu", "Askel ry"),
        ("Päihdetyön avopalvelut", "Järvimaan hyvinvointialue"),
        ("Työhönvalmennus", "Askel ry"),
    ]
    missing = run(["services", "import", "/nonexistent.json"], external_env)
    assert missing.returncode == 2
    assert "Traceback" not in missing.stderr


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str]) -> Iterator[str]:
    """`polku serve` or `polku dev` on a loopback port, stopped with Ctrl-C afterwards."""
    port = _free_port()
    process = subprocess.Popen(
        [POLKU, *command, "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(base, 30)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert "Traceback" not in err


def guess_from_made_up_addresses_then_sign_in(base: str, email: str) -> int:
    """Fail as many times as the throttle allows, each time claiming another address
    through forwarded headers, then sign in rightly from yet another: the status."""
    for number in range(throttle.MAX_FAILURES_PER_ACCOUNT):
        guess = httpx.post(
            f"{base}/api/v1/auth/token",
            json={"email": email, "password": "a guess"},
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )
        assert guess.status_code == 401
    right = httpx.post(
        f"{base}/api/v1/auth/token",
        json={"email": email, "password": PASSWORD},
        headers={"X-Forwarded-For": "198.51.100.99", "Forwarded": "for=198.51.100.99"},
    )
    return right.status_code


@pytest.mark.slow
async def test_serve_believes_forwarded_headers_only_from_configured_proxies(
    external_env: dict[str, str], make: Factory
) -> None:
    env = {k: v for k, v in external_env.items() if k != "FORWARDED_ALLOW_IPS"}
    coach = await make.staff("coach")
    with serving(["serve"], env) as base:
        assert guess_from_made_up_addresses_then_sign_in(base, coach.email) == 429

    # Behind a configured proxy, the address it forwards is the one that counts.
    other = await make.staff("coach")
    with serving(["serve"], {**env, "FORWARDED_ALLOW_IPS": "127.0.0.1, ::1"}) as base:
        assert guess_from_made_up_addresses_then_sign_in(base, other.email) == 200

    refused = run(["serve", "--port", str(_free_port())], {**env, "FORWARDED_ALLOW_IPS": "lb"})
    assert refused.returncode == 1
    assert refused.stderr.strip().splitlines() == [
        "polku: FORWARDED_ALLOW_IPS: 'lb' is not an IP address or network "
        "(such as 10.0.0.5 or 10.0.0.0/24), nor * alone"
    ]


@pytest.mark.slow
async def test_dev_believes_no_forwarded_headers(
    external_env: dict[str, str], make: Factory
) -> None:
    coach = await make.staff("coach")
    with serving(["dev"], {**external_env, "FORWARDED_ALLOW_IPS": "127.0.0.1"}) as base:
        assert guess_from_made_up_addresses_then_sign_in(base, coach.email) == 429


async def test_sms_inbound_signs_a_reply_for_a_running_polku(
    external_env: dict[str, str], make: Factory
) -> None:
    coach = await make.staff("coach")
    await make.client(coach, phone="040 555 0199")
    env = {**external_env, "SMS_INBOUND_SECRET": "cli-test-secret"}
    with serving(["serve"], env) as base:
        sent = run(
            ["sms", "inbound", "--url", base, "--from", "+358405550199", "--text", "Hei"], env
        )
        assert (sent.returncode, sent.stdout.strip()) == (0, "forwarded"), sent.stderr
        again = run(
            ["sms", "inbound", "--url", base, "--from", "0405550199", "--text", "?", "--id", "x"],
            env,
        )
        assert again.stdout.strip() == "forwarded"
        repeat = run(
            ["sms", "inbound", "--url", base, "--from", "0405550199", "--text", "?", "--id", "x"],
            env,
        )
        assert repeat.stdout.strip() == "duplicate"
        wrong = run(
            ["sms", "inbound", "--url", base, "--from", "0405550199", "--text", "K"],
            {**env, "SMS_INBOUND_SECRET": "not-the-gateways"},
        )
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == "polku: Polku answered 401: missing or wrong X-Polku-Signature"
