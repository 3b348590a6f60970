"""One connection per API process that LISTENs to PostgreSQL and tells the caches.

What an API process keeps in memory (rendered calendar feeds, recently verified
tokens) must be dropped when another process changes what it was built from.
PostgreSQL sends a NOTIFY when such a change commits; this listener hands each one
to whoever subscribed to its channel. While the connection is lost, subscribers are
told so (notifications may be missed then), and again when it is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from db.pool import connect

logger = logging.getLogger("polku.listener")

CHORE_SECONDS = 300.0
APPLICATION_NAME = "polku listener"


class Listener:
    def __init__(self, database_url: str) -> None:
        self._database_url = database_url
        self._handlers: defaultdict[str, list[Callable[[str], None]]] = defaultdict(list)
        self._state_handlers: list[Callable[[bool], None]] = []
        self._chores: list[Callable[[asyncpg.Connection], Awaitable[None]]] = []

    def on(self, channel: str, handler: Callable[[str], None]) -> None:
        """Call `handler` with the payload of every notification on `channel`."""
        self._handlers[channel].append(handler)

    def on_listening(self, handler: Callable[[bool], None]) -> None:
        """Call `handler(True)` once listening, `handler(False)` when the connection is lost."""
        self._state_handlers.append(handler)

    def add_chore(self, chore: Callable[[asyncpg.Connection], Awaitable[None]]) -> None:
        """Run `chore` on the listening connection every CHORE_SECONDS."""
        self._chores.append(chore)

    def _dispatch(self, _conn: Any, _pid: int, channel: str, payload: object) -> None:
        for handler in self._handlers[channel]:
            handler(str(payload))

    def _tell(self, listening: bool) -> None:
        for handler in self._state_handlers:
            handler(listening)

    async def run(self) -> None:
        """Listen for as long as the app runs (a background task), reconnecting when lost."""
        delay = 1.0
        while True:
            conn: asyncpg.Connection | None = None
            listening = False
            try:
                # Named, so that an operator (and a test) can tell it in pg_stat_activity.
                conn = await connect(self._database_url, application_name=APPLICATION_NAME)
                lost = asyncio.Event()
                conn.add_termination_listener(lambda _, lost=lost: lost.set())
                for channel in self._handlers:
                    await conn.add_listener(channel, self._dispatch)
                listening = True
                self._tell(True)
                delay = 1.0
                while not lost.is_set():
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(lost.wait(), CHORE_SECONDS)
                    await self._run_chores(conn)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                logger.warning("the listener lost its database connection: %s", error)
            finally:
                if listening:
                    self._tell(False)
                if conn is not None and not conn.is_closed():
                    await conn.close()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)

    async def _run_chores(self, conn: asyncpg.Connection) -> None:
        if conn.is_closed():
            return
        for chore in self._chores:
            await chore(conn)
