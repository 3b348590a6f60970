"""Request and response bodies for clients, consent, audit and the pathway."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, UnsetType

from service.base.fields import (
    Body,
    DatedBody,
    Email,
    InRangeDate,
    Language,
    Name,
    Phone,
    Reason,
    ShortText,
    TimeZone,
)
from service.base.pathway import PathwayEvent

Gender = Literal["female", "male", "non_binary", "unknown"]
LabourMarketStatus = Literal[
    "employed", "unemployed", "long_term_unemployed", "inactive", "in_education"
]
EducationLevel = Literal["isced_0_2", "isced_3_4", "isced_5_8"]
ConsentPurpose = Literal[
    "data_sharing", "email_reminders", "sms_reminders", "calendar_feed", "client_page"
]


class ClientIn(Body):
    first_name: Name
    last_name: Name
    birth_date: date | None = None
    gender: Gender | None = None
    home_municipality: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None
    language: Language = "fi"
    plain_language: bool = False
    timezone: TimeZone = "Europe/Helsinki"
    labour_market_status: LabourMarketStatus | None = None
    education_level: EducationLevel | None = None
    # Non-disclosure for personal safety (turvakielto), from the start; true needs
    # non_disclosure_reason, which goes to the audit trail.
    non_disclosure: bool = False
    non_disclosure_reason: Reason | None = None


class ClientPatch(Body):
    """Fields left out stay as they are; null clears an optional field.

    `non_disclosure` (turvakielto) sets or clears non-disclosure: only the client's own
    organisation's responsible workers and admins may, and only with
    `non_disclosure_reason`, which is kept in the audit trail, never on the record.
    While it is set, only they may change the e-mail, phone, birth date or home
    municipality."""

    first_name: Name | UnsetType = UNSET
    last_name: Name | UnsetType = UNSET
    birth_date: date | UnsetType | None = UNSET
    gender: Gender | UnsetType | None = UNSET
    home_municipality: ShortText | UnsetType | None = UNSET
    email: Email | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    language: Language | UnsetType = UNSET
    plain_language: bool | UnsetType = UNSET
    timezone: TimeZone | UnsetType = UNSET
    labour_market_status: LabourMarketStatus | UnsetType | None = UNSET
    education_level: EducationLevel | UnsetType | None = UNSET
    non_disclosure: bool | UnsetType = UNSET
    non_disclosure_reason: Reason | UnsetType = UNSET


class ClientOut(msgspec.Struct, kw_only=True):
    """A client record as the caller may see it. Under non-disclosure (turvakielto) the
    e-mail, phone, birth date and home municipality are null for everyone but the
    client's own organisation's responsible workers and admins, and `withheld_fields`
    names what was withheld from the caller (empty when nothing was)."""

    id: str
    organisation_id: str
    first_name: str
    last_name: str
    birth_date: date | None
    gender: Gender | None
    home_municipality: str | None
    email: str | None
    phone: str | None
    language: Language
    plain_language: bool
    timezone: str
    labour_market_status: LabourMarketStatus | None
    education_level: EducationLevel | None
    non_disclosure: bool
    withheld_fields: list[Literal["email", "phone", "birth_date", "home_municipality"]]
    created_at: datetime
    updated_at: datetime


# Asked, and the answer; or asked, and the client chose not to answer.
SensitiveAnswer = Literal["yes", "no", "declined"]


class EsfEntryIn(Body):
    """Each answer, or null for not asked; the whole set is replaced."""

    disability: SensitiveAnswer | None = None
    minority: SensitiveAnswer | None = None
    homelessness: SensitiveAnswer | None = None


class EsfEntryOut(msgspec.Struct, kw_only=True):
    client_id: str
    disability: SensitiveAnswer | None = None
    minority: SensitiveAnswer | None = None
    homelessness: SensitiveAnswer | None = None
    recorded_at: datetime | None = None


class WorkerIn(Body):
    staff_id: Annotated[str, msgspec.Meta(max_length=64)]
    # Staff of another organisation: the client's data_sharing consent covering theirs
    # (without it, any such consent that holds will do; none answers 422).
    consent_id: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class WorkerOut(msgspec.Struct, kw_only=True):
    staff_id: str
    name: str
    email: str
    phone: str | None
    organisation_id: str
    relation: Literal["responsible"]
    since: datetime


class ConsentIn(DatedBody):
    purpose: ConsentPurpose
    organisation_ids: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=64)]], msgspec.Meta(max_length=50)
    ] = []
    valid_until: InRangeDate | None = None


class RevokeIn(Body):
    reason: Annotated[str, msgspec.Meta(max_length=1000)] | None = None


class ConsentOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    purpose: ConsentPurpose
    organisation_ids: list[str]
    given_at: datetime
    valid_until: date | None
    recorded_by: str
    revoked_at: datetime | None
    revocation_reason: str | None
    valid: bool


class AuditEventOut(msgspec.Struct, kw_only=True):
    id: int
    occurred_at: datetime
    actor_id: str | None
    actor_name: str | None
    # "client": the client acted themselves (on their page); actor_client_id names them.
    actor_kind: Literal["staff", "client", "system"]
    actor_client_id: str | None
    action: str
    outcome: Literal["ok", "denied"]
    subject_type: str | None
    subject_id: str | None
    request_id: str | None
    detail: dict[str, Any] | None


class Pathway(msgspec.Struct, kw_only=True):
    client_id: str
    events: list[PathwayEvent]
