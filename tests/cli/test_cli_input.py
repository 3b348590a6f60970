"""How the `polku` command takes what a person types and tells them what it did: the
admin password from a prompt or POLKU_ADMIN_PASSWORD (the argument still works, with a
warning, since `ps` shows it to everyone), and a service import's problems in words,
grouped, with a progress bar on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from service.cli.catalogue import grouped
from service.referrals.imported import Problem
from tests.cli.test_cli import POLKU

PASSWORD = "a long and quiet password"
PROMPTS = (b"Password for the new administrator:", b"Repeat for confirmation:")


def on_terminal(
    args: list[str], env: dict[str, str], answers: list[str], timeout: float = 60
) -> tuple[int, str]:
    """Run `polku` with a pseudo-terminal as its controlling terminal (so getpass reads
    from it), answering each password prompt as it appears."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: nothing of pytest's may run here
        try:
            os.execve(POLKU, [POLKU, *args], env)  # noqa: S606
        finally:
            os._exit(127)
    output, sent = b"", 0
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child has gone and closed the terminal
                break
            if not chunk:
                break
            output += chunk
            asked = sum(output.count(prompt) for prompt in PROMPTS)
            if asked > sent and sent < len(answers):
                os.write(fd, answers[sent].encode() + b"\n")
                sent += 1
        else:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"polku {args} did not end: {output.decode()}")
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode()


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [POLKU, *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def _signs_in(api: httpx.AsyncClient, email: str, password: str) -> bool:
    answer = await api.post("/api/v1/auth/token", json={"email": email, "password": password})
    return answer.status_code == 200


async def test_admin_create_asks_for_the_password_on_a_terminal(
    external_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    args = ["admin", "create", "--email", "asked@polku.test"]
    status, said = on_terminal(args, external_env, [PASSWORD, PASSWORD])
    assert status == 0, said
    assert "created admin asked@polku.test" in said
    assert PASSWORD not in said  # typed, never shown
    assert "warning" not in said
    assert await _signs_in(api, "asked@polku.test", PASSWORD)

    # Two different answers: said so, and asked again.
    status, said = on_terminal(
        ["admin", "create", "--email", "typo@polku.test"],
        external_env,
        [PASSWORD, "another", PASSWORD, PASSWORD],
    )
    assert status == 0, said
    assert "do not match" in said
    assert await _signs_in(api, "typo@polku.test", PASSWORD)


async def test_admin_create_takes_the_password_from_the_environment(
    external_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    env = {**external_env, "POLKU_ADMIN_PASSWORD": PASSWORD}
    created = run(["admin", "create", "--email", "env@polku.test"], env)
    assert created.returncode == 0, created.stderr
    assert created.stderr == ""
    assert await _signs_in(api, "env@polku.test", PASSWORD)

    weak = run(
        ["admin", "create", "--email", "weak@polku.test"],
        {**external_env, "POLKU_ADMIN_PASSWORD": "password123"},
    )
    assert weak.returncode == 1
    assert weak.stderr.startswith("polku: the password ")


async def test_admin_create_warns_of_a_password_in_the_arguments_and_asks_none_in_scripts(
    external_env: dict[str, str], api: httpx.AsyncClient
) -> None:
    given = run(
        ["admin", "create", "--email", "argv@polku.test", "--password", PASSWORD], external_env
    )
    assert given.returncode == 0, given.stderr
    assert given.stderr.startswith("polku: warning: --password shows the password")
    assert "POLKU_ADMIN_PASSWORD" in given.stderr
    assert await _signs_in(api, "argv@polku.test", PASSWORD)

    env = {k: v for k, v in external_env.items() if k != "POLKU_ADMIN_PASSWORD"}
    nothing = run(["admin", "create", "--email", "none@polku.test"], env)
    assert nothing.returncode == 1
    assert nothing.stderr.strip() == (
        "polku: no password: run on a terminal to be asked, or set POLKU_ADMIN_PASSWORD"
    )


def test_problems_are_grouped_by_what_is_wrong_with_the_lines_named() -> None:
    problems = [Problem(line, "email", "must be an e-mail address") for line in range(2, 16)]
    problems.insert(1, Problem(3, "name", "missing"))
    assert grouped(problems) == [
        "  email: must be an e-mail address "
        "(14 rows: lines 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 4 more)",
        "  name: missing (line 3)",
    ]


def _services(count: int, **bad: Any) -> list[dict[str, Any]]:
    return [
        {"id": f"s-{n}", "name": f"Palvelu {n}", "organization": {"name": "Askel ry"}, **bad}
        for n in range(count)
    ]


async def test_services_import_reports_every_problem_of_a_row_in_words(
    external_env: dict[str, str], tmp_path: Path, db: Any
) -> None:
    file = tmp_path / "services.json"
    rows = _services(3)
    rows[1] |= {"email": "ei-osoite", "name": "x" * 201, "phones": [{"number": "soita"}]}
    rows[2] |= {"email": "ei-sekaan"}
    file.write_text("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]\n")
    broken = run(["services", "import", str(file)], external_env)
    assert broken.returncode == 1
    lines = broken.stderr.splitlines()
    assert lines[0] == f"{file}: 2 bad row(s):"
    assert sorted(lines[1:-1]) == sorted(
        [
            "  email: must be an e-mail address such as name@example.fi (2 rows: lines 3, 4)",
            "  name: must be at most 200 characters (line 3)",
            "  phones[0].number: must be a phone number such as +358 40 123 4567 (line 3)",
        ]
    )
    assert "regex" not in broken.stderr and "Expected" not in broken.stderr
    assert await db.fetchval("SELECT count(*) FROM services") == 0


async def test_services_import_shows_progress_on_a_terminal_and_a_summary_elsewhere(
    external_env: dict[str, str], tmp_path: Path, db: Any
) -> None:
    file = tmp_path / "services.json"
    file.write_text(json.dumps(_services(250)))
    status, said = on_terminal(["services", "import", str(file)], external_env, [])
    assert status == 0, said
    assert "importing" in said and "250/250" in said
    assert "imported 250 service(s): 250 new, 0 updated" in said
    assert await db.fetchval("SELECT count(*) FROM services") == 250

    again = run(["services", "import", str(file)], external_env)
    assert again.returncode == 0, again.stderr
    assert again.stderr == ""  # no bar drawn into a log
    assert again.stdout == "imported 250 service(s): 0 new, 250 updated\n"
