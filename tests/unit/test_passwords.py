"""Which passwords are refused as too easy to guess (D11)."""

from __future__ import annotations

import pytest

from service.accounts.passwords import weakness

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
