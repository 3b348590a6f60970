"""What importing a catalogue file reads: each service as an ImportedService, the
problems found on the way, and where each field is read from in CSV and in HSDS JSON.

Shared by the CSV reader (catalogue_csv.py), the HSDS JSON reader (hsds_json.py) and
read_catalogue (hsds.py), which checks their records.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import msgspec

from service.base.fields import NOT_BLANK, Name
from service.referrals.types import ServiceDetails, ServiceStatus


class ImportedService(ServiceDetails, kw_only=True):
    external_id: Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=NOT_BLANK)]
    organisation_name: Name
    name: Name
    status: ServiceStatus = "active"


@dataclass(frozen=True)
class Problem:
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, {self.field}: {self.message}"


class UnreadableFile(Exception):
    """The file as a whole cannot be read (not JSON, no header, unknown columns)."""


# Each field of ImportedService, with the CSV column and the HSDS JSON path it is read
# from: the CSV reader's columns, and the names a problem with the field is reported by.
SOURCES: dict[str, tuple[str, str]] = {
    "external_id": ("id", "id"),
    "organisation_name": ("organization_name", "organization.name"),
    "name": ("name", "name"),
    "description": ("description", "description"),
    "categories": ("categories", "attributes"),
    "eligibility": ("eligibility", "eligibility_description"),
    "contact.name": ("contact_name", "contacts[0].name"),
    "contact.title": ("contact_title", "contacts[0].title"),
    "contact.email": ("contact_email", "contacts[0].email"),
    "contact.phone": ("contact_phone", "contacts[0].phones[0].number"),
    "location.name": ("location_name", "service_at_locations[0].location.name"),
    "location.address": ("address", "service_at_locations[0].location.addresses[0]"),
    "location.municipality": (
        "municipality",
        "service_at_locations[0].location.addresses[0].city",
    ),
    "schedule": ("schedule", "schedules[0].description"),
    "url": ("url", "url"),
    "email": ("email", "email"),
    "phone": ("phone", "phones[0].number"),
    "status": ("status", "status"),
}
CSV_COLUMNS = {field: column for field, (column, _) in SOURCES.items()}
JSON_FIELDS = {field: path for field, (_, path) in SOURCES.items()}

# Status words either format may use, as Polku's two.
STATUSES = {"active": "active", "inactive": "inactive", "defunct": "inactive"}
