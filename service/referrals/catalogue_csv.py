"""Reading a service catalogue from a flat CSV file into records for read_catalogue.

Comma or semicolon separated; one service per row, with the columns in
imported.CSV_COLUMNS; categories separated by `|` or `;` inside their cell.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

from service.referrals.imported import CSV_COLUMNS, STATUSES, UnreadableFile


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def csv_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    rows = _csv_rows(reader)
    header = next(rows, (0, None))[1]
    if not header:
        raise UnreadableFile("the CSV file has no header row")
    columns = [name.strip().lower() for name in header]
    unknown = sorted(set(columns) - set(CSV_COLUMNS.values()))
    if unknown:
        raise UnreadableFile(
            f"unknown CSV columns: {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS.values())})"
        )
    records: list[tuple[int, dict[str, Any]]] = []
    for line, cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(columns, cells, strict=False))
        record: dict[str, Any] = {}
        for field, column in CSV_COLUMNS.items():
            value = _blank_to_none(row.get(column))
            if value is None:
                continue
            if field == "categories":
                record[field] = [c.strip() for c in re.split(r"[|;]", value) if c.strip()]
            elif field == "status":
                record[field] = STATUSES.get(value.lower(), value)
            elif "." in field:
                parent, child = field.split(".")
                record.setdefault(parent, {})[child] = value
            else:
                record[field] = value
        records.append((line, record))
    return records


def _csv_rows(reader: Any) -> Iterator[tuple[int, list[str]]]:
    """Each row with the line it starts on: a quoted cell can span lines, and the
    reader's line_num is then the record's last line."""
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as error:  # e.g. a cell longer than the csv module takes
            raise UnreadableFile(f"line {line}: {error}") from error
        if cells is None:
            return
        yield line, cells
