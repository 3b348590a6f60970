"""Which passwords are refused, and Argon2 hashing kept off the event loop."""

from __future__ import annotations

import asyncio
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()


# Verified against when the e-mail is unknown, so that the answer takes as long and
# timing does not reveal which addresses have accounts. Written here rather than made
# at import: an Argon2 hash takes 64 MiB, which hashing at import added to the peak
# memory of every API and worker process (issue 25's memory budget), while the worker
# verifies nothing.
_UNKNOWN_ACCOUNT_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$w2YUmastijxvNdkdYIztcw$"
    "Skx1f9gOo1YVYd477ed5szt/gKEHTutgfvUizVm7sBg"
)


@functools.cache
def _unknown_account_hash() -> str:
    """The hash above while it has the hasher's parameters (so verifying against it
    costs what verifying a real one does); made anew if argon2's defaults change."""
    if _hasher.check_needs_rehash(_UNKNOWN_ACCOUNT_HASH):
        return _hasher.hash("no account has this password")
    return _UNKNOWN_ACCOUNT_HASH


@functools.cache
def _common_passwords() -> frozenset[str]:
    """The 30,000 passwords most often found in leaks, as zxcvbn ships them (lower case).

    Loaded when first asked: importing zxcvbn builds all of its word lists, some 11 MiB
    that an API or worker process where no one chooses a password need not hold
    (issue 25's memory budget)."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"])


def _folded(text: str) -> str:
    return "".join(text.casefold().split())


def weakness(password: str, *, email: str, name: str) -> str | None:
    """Why `password` is too easy to guess for the account with this e-mail and name,
    in words for the person choosing it; None when it will do. Case and spaces do
    not make a password different."""
    folded = _folded(password)
    if len(set(folded)) <= 1:
        return "must not be one character repeated"
    address = _folded(email)
    if folded in (address, address.rpartition("@")[0]):
        return "must not be the e-mail address or its part before @"
    if folded == _folded(name):
        return "must not be the name of the account"
    if folded in _common_passwords():
        return "is one of the most common passwords; choose one that is harder to guess"
    return None


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _unknown_account_hash(), password)
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password or an unknown account (password_hash None)."""
    matches = await asyncio.to_thread(_verify, password_hash, password)
    return matches and password_hash is not None


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
