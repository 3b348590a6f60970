"""Which passwords are refused as too easy to guess (D11)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import argon2
import pytest

from service.accounts import passwords
from service.accounts.passwords import weakness

ROOT = Path(__file__).resolve().parents[2]

EMAIL = "Aino.Lahtinen@askel.example"
NAME = "Aino Lahtinen"


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("xxxxxxxxxxxx", "one character"),
        ("0000000000", "one character"),
        ("          ", "one character"),
        ("aino.lahtinen@askel.example", "e-mail"),
        ("AINO.LAHTINEN", "e-mail"),
        ("aino lahtinen", "name"),
        ("AinoLahtinen", "name"),
        ("password123", "common"),
        ("Qwertyuiop", "common"),
        ("1234567890", "common"),
    ],
)
def test_easy_passwords_are_refused_with_a_reason(password: str, reason: str) -> None:
    problem = weakness(password, email=EMAIL, name=NAME)
    assert problem is not None
    assert reason in problem or (reason == "common" and "most common" in problem)


@pytest.mark.parametrize(
    "password",
    ["correct horse battery staple", "aino lahtinen 2027", "xxxxxxxxxy"],
)
def test_other_passwords_will_do(password: str) -> None:
    assert weakness(password, email=EMAIL, name=NAME) is None


def test_an_unknown_account_costs_what_a_known_one_does() -> None:
    """The stand-in hash verified for an unknown e-mail has the hasher's own parameters
    (the same 64 MiB and passes as a real hash), and no password matches it."""
    stand_in = passwords._unknown_account_hash()
    assert not passwords.needs_rehash(stand_in)
    real = passwords.hash_password_sync("a long and unusual passphrase")
    assert argon2.extract_parameters(stand_in) == argon2.extract_parameters(real)
    assert passwords._verify(None, "no account has this password") is True
    assert asyncio.run(passwords.verify_password(None, "no account has this password")) is False


def test_importing_passwords_hashes_nothing() -> None:
    """An Argon2 hash takes 64 MiB: a process that imports the module but never signs
    anyone in (the worker) must not pay it."""
    code = (
        "import argon2._password_hasher as hasher\n"
        "calls = []\n"
        "original = hasher.hash_secret\n"
        "hasher.hash_secret = lambda *a, **k: calls.append(1) or original(*a, **k)\n"
        "import service.accounts.passwords\n"
        "import workers.main\n"
        "assert calls == [], calls\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)
