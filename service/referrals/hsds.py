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
columns in CSV_COLUMNS; categories separated by `|` or `;` inside their cell.

Every record is checked; each problem is reported with its line and field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec

from service.base.fields import NOT_BLANK, Email, Name, Phone, ShortText, Url
from service.base.nul import nul_at
from service.referrals.types import Categories, Contact, ServiceLocation, ServiceStatus, Text


class ImportedService(msgspec.Struct, kw_only=True):
    external_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
    organisation_name: Name
    name: Name
    description: Text = ""
    categories: Categories = []
    eligibility: Text | None = None
    contact: Contact | None = None
    location: ServiceLocation | None = None
    schedule: ShortText | None = None
    url: Url | None = None
    email: Email | None = None
    phone: Phone | None = None
    status: ServiceStatus = "active"


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


@dataclass(frozen=True)
class Catalogue:
    services: list[tuple[int, ImportedService]]
    problems: list[Problem]


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not JSON, no header, unknown columns)."""


# Where each field of ImportedService comes from, to name it in reports.
CSV_COLUMNS = {
    "external_id": "id",
    "organisation_name": "organization_name",
    "name": "name",
    "description": "description",
    "categories": "categories",
    "eligibility": "eligibility",
    "contact.name": "contact_name",
    "contact.title": "contact_title",
    "contact.email": "contact_email",
    "contact.phone": "contact_phone",
    "location.name": "location_name",
    "location.address": "address",
    "location.municipality": "municipality",
    "schedule": "schedule",
    "url": "url",
    "email": "email",
    "phone": "phone",
    "status": "status",
}
JSON_FIELDS = {
    "external_id": "id",
    "organisation_name": "organization.name",
    "categories": "attributes",
    "eligibility": "eligibility_description",
    "contact.name": "contacts[0].name",
    "contact.title": "contacts[0].title",
    "contact.email": "contacts[0].email",
    "contact.phone": "contacts[0].phones[0].number",
    "location.name": "service_at_locations[0].location.name",
    "location.address": "service_at_locations[0].location.addresses[0]",
    "location.municipality": "service_at_locations[0].location.addresses[0].city",
    "schedule": "schedules[0].description",
    "phone": "phones[0].number",
}
_AT = re.compile(r"^(.*) - at `\$\.?([^`]*)`$")
_MISSING = re.compile(r"missing required field `([^`]+)`")
_STATUS = {"active": "active", "inactive": "inactive", "defunct": "inactive"}


def read_catalogue(path: Path) -> Catalogue:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 text (byte {error.start})") from error
    if not text.strip():
        raise UnreadableFile("the file is empty")
    records: list[tuple[int, dict[str, Any] | Problem]]
    if path.suffix.lower() == ".csv" or not text.lstrip().startswith(("[", "{")):
        records, names = list(_csv_records(text)), CSV_COLUMNS
    else:
        records, names = _json_records(text), JSON_FIELDS
    services, problems = [], []
    for line, record in records:
        checked = record if isinstance(record, Problem) else _check(line, record, names)
        if isinstance(checked, Problem):
            problems.append(checked)
        else:
            services.append((line, checked))
    problems += _repeated_ids(services, names)
    return Catalogue(services=services, problems=problems)


def _check(line: int, record: dict[str, Any], names: dict[str, str]) -> ImportedService | Problem:
    where = nul_at(record)
    if where:
        return Problem(line, names.get(where, where), "contains the NUL character")
    try:
        return msgspec.convert(record, ImportedService)
    except msgspec.ValidationError as error:
        message, field = str(error), ""
        located = _AT.match(message)
        if located:
            message, field = located.group(1), located.group(2)
        missing = _MISSING.search(message)
        if missing:
            field = f"{field}.{missing.group(1)}" if field else missing.group(1)
            message = "missing"
        field = re.sub(r"\[\d+\]$", "", field)
        return Problem(line, names.get(field, field or "record"), message)


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


# CSV -------------------------------------------------------------------------------


def _blank_to_none(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _csv_records(text: str) -> list[tuple[int, dict[str, Any]]]:
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
                record[field] = _STATUS.get(value.lower(), value)
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


# JSON ------------------------------------------------------------------------------


def _json_records(text: str) -> list[tuple[int, dict[str, Any] | Problem]]:
    """Each service (or what is wrong with its shape) with the line its object starts on."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start] == "{":
        found = re.search(r'"services"\s*:\s*\[', text)
        if found is None:
            raise UnreadableFile('expected a list of services, or {"services": [...]}')
        start = found.end() - 1
    position = start + 1
    records: list[tuple[int, dict[str, Any] | Problem]] = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            break
        line = text.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            raise UnreadableFile(f"not valid JSON: {error}") from error
        except RecursionError as error:
            raise UnreadableFile(f"line {line}: nested too deeply") from error
        except ValueError as error:  # a number with more digits than Python reads
            raise UnreadableFile(f"not valid JSON: line {line}: {error}") from error
        try:
            records.append((line, _from_hsds(value)))
        except _Unexpected as unexpected:
            records.append((line, Problem(line, unexpected.field, str(unexpected))))
    return records


class _Unexpected(Exception):
    """A value whose JSON type does not fit where HSDS puts it."""

    def __init__(self, field: str, expected: str, value: Any, why: str | None = None) -> None:
        super().__init__(why or f"Expected `{expected}`, got `{_json_type(value)}`")
        self.field = field


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    names = {bool: "bool", int: "int", float: "float", str: "str", list: "array", dict: "object"}
    return names.get(type(value), type(value).__name__)


def _object(value: Any, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _Unexpected(field, "object", value)
    return value


def _list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _Unexpected(field, "array", value)
    return value


def _first(value: Any, field: str) -> dict[str, Any]:
    """The first of a list of objects (HSDS nests one-to-many), or {}."""
    items = _list(value, field)
    return _object(items[0], f"{field}[0]") if items else {}


def _text(value: Any, field: str) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _Unexpected(field, "str", value)


def _code(value: Any) -> Any:
    """Ids are text, but some exports write them as numbers."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# Postal codes here have five digits (00100 Helsinki): a shorter number lost its zeros.
_POSTAL_CODE_DIGITS = 5


def _postal_code(value: Any, field: str) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        if len(str(abs(value))) < _POSTAL_CODE_DIGITS:
            raise _Unexpected(
                field,
                "str",
                value,
                f"the number {value} has lost the postal code's leading zeros; "
                'write it as text, as in "00100"',
            )
        return str(value)
    return _text(value, field)


def _from_hsds(service: Any) -> dict[str, Any]:
    if not isinstance(service, dict):
        raise _Unexpected("record", "object", service)
    organization = _object(service.get("organization"), "organization")
    record: dict[str, Any] = {
        "external_id": _code(service.get("id")),
        "organisation_name": organization.get("name"),
        "name": service.get("name"),
        "description": service.get("description") or "",
        "eligibility": service.get("eligibility_description"),
        "url": service.get("url"),
        "email": service.get("email"),
        "phone": _first(service.get("phones"), "phones").get("number"),
        "schedule": _first(service.get("schedules"), "schedules").get("description"),
    }
    status = service.get("status")
    record["status"] = _STATUS.get(status.lower(), status) if isinstance(status, str) else status
    if "categories" in service:
        categories = _list(service["categories"], "categories")
        for index, category in enumerate(categories):
            _text(category, f"categories[{index}]")
    else:
        categories = []
        for index, attribute in enumerate(_list(service.get("attributes"), "attributes")):
            where = f"attributes[{index}]"
            term = _object(_object(attribute, where).get("taxonomy_term"), f"{where}.taxonomy_term")
            if term:
                categories.append(term.get("name") or term.get("term"))
    record["categories"] = categories
    contact = _first(service.get("contacts"), "contacts")
    if contact:
        record["contact"] = _present(
            name=contact.get("name"),
            title=contact.get("title"),
            email=contact.get("email"),
            phone=_first(contact.get("phones"), "contacts[0].phones").get("number"),
        )
    where = "service_at_locations[0].location"
    at_location = _first(service.get("service_at_locations"), "service_at_locations")
    location = _object(at_location.get("location"), where)
    if location:
        address = _first(location.get("addresses"), f"{where}.addresses")
        where = f"{where}.addresses[0]"
        street = _text(address.get("address_1"), f"{where}.address_1")
        postal_code = _postal_code(address.get("postal_code"), f"{where}.postal_code")
        city = _text(address.get("city"), f"{where}.city")
        town = " ".join(part for part in (postal_code, city) if part)
        record["location"] = _present(
            name=location.get("name"),
            address=", ".join(part for part in (street, town) if part) or None,
            municipality=city,
        )
    return _present(**record)


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}
