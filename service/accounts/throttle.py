"""Login throttling: too many failed logins for an account from one address, or from an
address whatever the account, answer 429. Failures are not counted per account alone:
anyone could then lock a coach out of Polku by typing wrong passwords for her."""

from __future__ import annotations

import hashlib

from redis.asyncio import Redis

from service.base.errors import TooManyRequests

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_ACCOUNT = 5  # from one address
MAX_FAILURES_PER_ADDRESS = 50


def _keys(email: str, address: str) -> tuple[str, str]:
    # Hashed, so Redis never holds staff e-mail addresses.
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return (
        f"polku:login-failures:account:{account}:{address}",
        f"polku:login-failures:address:{address}",
    )


async def check(redis: Redis, email: str, address: str) -> None:
    account_key, address_key = _keys(email, address)
    account_failures, address_failures = await redis.mget(account_key, address_key)
    over_account = int(account_failures or 0) >= MAX_FAILURES_PER_ACCOUNT
    over_address = int(address_failures or 0) >= MAX_FAILURES_PER_ADDRESS
    if over_account or over_address:
        retry_after = await redis.ttl(account_key if over_account else address_key)
        raise TooManyRequests(
            "too many failed logins; wait before trying again",
            retry_after=max(int(retry_after), 1),
        )


async def record_failure(redis: Redis, email: str, address: str) -> None:
    async with redis.pipeline(transaction=True) as pipe:
        for key in _keys(email, address):
            pipe.set(key, 0, ex=WINDOW_SECONDS, nx=True)
            pipe.incr(key)
        await pipe.execute()


async def clear(redis: Redis, email: str, address: str) -> None:
    account_key, _ = _keys(email, address)
    await redis.delete(account_key)
