"""Reading a service catalogue from Open Referral HSDS JSON or a flat CSV.

JSON: a list of HSDS 3 service objects (or `{"services": [...]}`), each with its
`organization`. What Polku keeps of them:

    id → external_id            organization.name → the providing organisation
    name, description, url, email, status
    attributes[].taxonomy_term.name (or `categories`: [str]) → categories
    eligibility_description → eligibility
    contacts[0] {name, title, email, phones[0].number} → contact
    phones[0].number → phone
    service_at_locations[0].location {name, addresses[0]} → location
    schedules[0].description → schedule

Ids and postal codes may be written as numbers (a postal code shorter than five digits
is refused: its leading zeros are lost); any other value of a type that does
not fit where it stands is a problem of its record, named by its HSDS path.

CSV (comma or semicolon, UTF-8 with or without BOM), one service per row, with the
columns in imported.CSV_COLUMNS; categories separated by `|` or `;` inside their cell.

Every record is checked; each problem is reported with its line and field. The two
readers are hsds_json.py and catalogue_csv.py; this module checks what they read.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import msgspec

from service.base.nul import nul_at
from service.base.problems import in_words
from service.referrals.catalogue_csv import csv_records
from service.referrals.hsds_json import json_records
from service.referrals.imported import (
    CSV_COLUMNS,
    JSON_FIELDS,
    ImportedService,
    Problem,
    UnreadableFile,
)

# What a caller needs to read a file: the reader, its answer, and the file-level error.
__all__ = ["Catalogue", "UnreadableFile", "read_catalogue"]


@dataclass(frozen=True)
class Catalogue:
    services: list[tuple[int, ImportedService]]
    problems: list[Problem]


# Each field's type, Meta and all, to check a field on its own.
_FIELD_TYPES = typing.get_type_hints(ImportedService, include_extras=True)
_AT = re.compile(r"^(.*) - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")


def read_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text (byte {error.start})") from error
    if not text.strip():
        raise UnreadableFile("the file is empty")
    records: list[tuple[int, dict[str, Any] | Problem]]
    if path.suffix.lower() == ".csv" or not text.lstrip().startswith(("[", "{")):
        records, names = list(csv_records(text)), CSV_COLUMNS
    else:
        records, names = json_records(text), JSON_FIELDS
    services, problems = [], []
    for line, record in records:
        checked = [record] if isinstance(record, Problem) else _check(line, record, names)
        if isinstance(checked, list):
            problems += checked
        else:
            services.append((line, checked))
    problems += _repeated_ids(services, names)
    # In words, whichever reader or check found them: never a regex or a type name.
    worded = [Problem(p.line, p.field, in_words(p.message)) for p in problems]
    return Catalogue(services=services, problems=worded)


def _check(
    line: int, record: dict[str, Any], names: dict[str, str]
) -> ImportedService | list[Problem]:
    where = nul_at(record)
    if where:
        return [Problem(line, names.get(where, where), "contains the NUL character")]
    try:
        return msgspec.convert(record, ImportedService)
    except msgspec.ValidationError as error:
        # msgspec stops at a record's first error; every field on its own finds them all.
        return _every_problem(line, record, names) or [_problem(line, "", str(error), names)]


def _problem(line: int, field: str, message: str, names: dict[str, str]) -> Problem:
    located = _AT.match(message)
    if located:
        message = located.group(1)
        inner = located.group(2)
        joint = "" if inner.startswith("[") else "."
        field = f"{field}{joint}{inner}" if field and inner else field or inner
    missing = _MISSING.search(message)
    if missing:
        field = f"{field}.{missing.group(1)}" if field else missing.group(1)
        message = "missing"
    field = re.sub(r"\[\d+\]$", "", field)
    return Problem(line, names.get(field, field or "record"), message)


def _every_problem(line: int, record: dict[str, Any], names: dict[str, str]) -> list[Problem]:
    problems = []
    for field in msgspec.structs.fields(ImportedService):
        if field.encode_name not in record:
            if field.required:
                problems.append(Problem(line, names.get(field.name, field.name), "missing"))
            continue
        try:
            msgspec.convert(record[field.encode_name], _FIELD_TYPES[field.name])
        except msgspec.ValidationError as error:
            problems.append(_problem(line, field.name, str(error), names))
    return problems


def _repeated_ids(
    services: list[tuple[int, ImportedService]], names: dict[str, str]
) -> list[Problem]:
    first: dict[str, int] = {}
    problems = []
    for line, service in services:
        if service.external_id in first:
            problems.append(
                Problem(
                    line,
                    names["external_id"],
                    f"{service.external_id!r} also on line {first[service.external_id]}",
                )
            )
        first.setdefault(service.external_id, line)
    return problems
