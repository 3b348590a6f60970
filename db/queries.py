"""Load a domain's named SQL queries (aiosql `-- name:` files) for asyncpg."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiosql
from aiosql.types import SQLOperationType


class Queries:
    """The queries of one .sql file as `await queries.name(conn, **params)`.

    As aiosql has it, except that a plain select gives the list of rows rather
    than an async generator, like every other operation gives its result.
    """

    def __init__(self, sql_file: Path) -> None:
        self._queries = aiosql.from_path(sql_file, "asyncpg")

    def __getattr__(self, name: str) -> Callable[..., Any]:
        query = getattr(self._queries, name)
        if query.operation is SQLOperationType.SELECT:
            select = query

            async def query(conn: Any, **params: Any) -> list[Any]:
                return [row async for row in select(conn, **params)]

        setattr(self, name, query)
        return query  # type: ignore[no-any-return]


def load_queries(sql_file: Path) -> Any:
    return Queries(sql_file)
