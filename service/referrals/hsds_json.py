"""Reading a service catalogue from Open Referral HSDS JSON into records for
read_catalogue: each service object flattened to the fields of ImportedService.

The mapping, and how ids and postal codes written as numbers are read, is described in
hsds.py.
"""

from __future__ import annotations

import json
import re
from typing import Any

from service.referrals.imported import STATUSES, Problem, UnreadableFile


def json_records(text: str) -> list[tuple[int, dict[str, Any] | Problem]]:
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
    record["status"] = STATUSES.get(status.lower(), status) if isinstance(status, str) else status
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
