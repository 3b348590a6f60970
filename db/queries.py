"""A domain's named SQL queries, from an aiosql-style `queries.sql` file.

aiosql parses the file (`-- name: x(params)^` headers) and turns `:name`
parameters into asyncpg's `$n`. The calls themselves go straight to asyncpg:
aiosql's own call path costs more per query than the query does on a fast
read (it inspects the connection with dir() on every call), and its plain
selects are async generators where a list is wanted.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import aiosql
from aiosql.types import SQLOperationType

Query = Callable[..., Awaitable[Any]]

_RUN = {
    SQLOperationType.SELECT: "fetch",
    SQLOperationType.SELECT_ONE: "fetchrow",
    SQLOperationType.SELECT_VALUE: "fetchval",
    SQLOperationType.INSERT_RETURNING: "fetchrow",
    SQLOperationType.INSERT_UPDATE_DELETE: "execute",
}


def _bind(name: str, operation: SQLOperationType, sql: str, order: list[str]) -> Query:
    method = _RUN[operation]

    async def query(conn: Any, **params: Any) -> Any:
        missing = set(order) - params.keys()
        if missing or len(params) != len(order):
            raise TypeError(f"{name}() takes {sorted(order)}, got {sorted(params)}")
        return await getattr(conn, method)(sql, *[params[p] for p in order])

    query.__name__ = name
    return query


class Queries:
    """`await queries.name(conn, **params)` for every query in the file."""

    def __init__(self, sql_file: Path) -> None:
        loaded = aiosql.from_path(sql_file, "asyncpg")
        order = loaded.driver_adapter.var_sorted
        self.names = []
        for name in loaded.available_queries:
            if name.endswith("_cursor"):
                continue
            fn = getattr(loaded, name)
            setattr(self, name, _bind(name, fn.operation, fn.sql, list(order.get(name, []))))
            self.names.append(name)

    def __getattr__(self, name: str) -> Query:
        raise AttributeError(f"no query named {name!r}")


def load_queries(sql_file: Path) -> Any:
    return Queries(sql_file)
