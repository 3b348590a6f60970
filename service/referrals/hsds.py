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

CSV (comma or semicolon, UTF-8 with or without BOM), one service per row, with the
columns in CSV_COLUMNS; categories separated by `|` or `;` inside their cell.

Every record is checked; each problem is reported with its line and field.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import msgspec

from service.accounts.types import Email, Name, Phone
from service.clients.types import ShortText
from service.programmes.types import Url
from service.referrals.types import Categories, Contact, ServiceLocation, ServiceStatus, Text
from service.text import nul_at


class ImportedService(msgspec.Struct, kw_only=True):
    external_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=r"\S")]
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
    if path.suffix.lower() == ".csv" or not text.lstrip().startswith(("[", "{")):
        records, names = _csv_records(text), CSV_COLUMNS
    else:
        records, names = _json_records(text), JSON_FIELDS
    services, problems = [], []
    for line, record in records:
        checked = _check(line, record, names)
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
    header = next(reader, None)
    if not header:
        raise UnreadableFile("the CSV file has no header row")
    columns = [name.strip().lower() for name in header]
    unknown = sorted(set(columns) - set(CSV_COLUMNS.values()))
    if unknown:
        raise UnreadableFile(
            f"unknown CSV columns: {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS.values())})"
        )
    records = []
    for cells in reader:
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
        records.append((reader.line_num, record))
    return records


# JSON ------------------------------------------------------------------------------


def _json_records(text: str) -> list[tuple[int, dict[str, Any]]]:
    """Each service with the line its object starts on."""
    decoder = json.JSONDecoder()
    start = len(text) - len(text.lstrip())
    if text[start] == "{":
        found = re.search(r'"services"\s*:\s*\[', text)
        if found is None:
            raise UnreadableFile('expected a list of services, or {"services": [...]}')
        start = found.end() - 1
    position = start + 1
    records = []
    try:
        while True:
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            if position >= len(text) or text[position] == "]":
                break
            value, end = decoder.raw_decode(text, position)
            line = text.count("\n", 0, position) + 1
            records.append((line, _from_hsds(value) if isinstance(value, dict) else {"": value}))
            position = end
    except json.JSONDecodeError as error:
        raise UnreadableFile(f"not valid JSON: {error}") from error
    return records


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return {}


def _from_hsds(service: dict[str, Any]) -> dict[str, Any]:
    organization = service.get("organization") or {}
    record: dict[str, Any] = {
        "external_id": service.get("id"),
        "organisation_name": organization.get("name") if isinstance(organization, dict) else None,
        "name": service.get("name"),
        "description": service.get("description") or "",
        "eligibility": service.get("eligibility_description"),
        "url": service.get("url"),
        "email": service.get("email"),
        "phone": _first(service.get("phones")).get("number"),
        "schedule": _first(service.get("schedules")).get("description"),
    }
    status = service.get("status")
    if isinstance(status, str):
        record["status"] = _STATUS.get(status.lower(), status)
    categories = service.get("categories")
    if categories is None:
        categories = [
            term.get("name") or term.get("term")
            for attribute in service.get("attributes") or []
            if isinstance(attribute, dict)
            and isinstance(term := attribute.get("taxonomy_term"), dict)
        ]
    record["categories"] = categories
    contact = _first(service.get("contacts"))
    if contact:
        record["contact"] = _present(
            name=contact.get("name"),
            title=contact.get("title"),
            email=contact.get("email"),
            phone=_first(contact.get("phones")).get("number"),
        )
    location = _first(service.get("service_at_locations")).get("location")
    if isinstance(location, dict):
        address = _first(location.get("addresses"))
        street = ", ".join(
            part
            for part in (
                address.get("address_1"),
                " ".join(p for p in (address.get("postal_code"), address.get("city")) if p),
            )
            if part
        )
        record["location"] = _present(
            name=location.get("name"), address=street or None, municipality=address.get("city")
        )
    return _present(**record)


def _present(**fields: Any) -> dict[str, Any]:
    return {key: value for key, value in fields.items() if value is not None}
