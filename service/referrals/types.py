"""Request and response bodies for the service catalogue, referrals and stalled paths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import UNSET, UnsetType

from service.base.fields import NOT_BLANK, Body, Email, Id, Name, Phone, ShortText, Url
from service.referrals.lifecycle import Status

Text = Annotated[str, msgspec.Meta(max_length=5000)]
Category = Annotated[str, msgspec.Meta(min_length=1, max_length=100, pattern=NOT_BLANK)]
Categories = Annotated[list[Category], msgspec.Meta(max_length=20)]
ServiceStatus = Literal["active", "inactive"]


class Contact(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    name: ShortText | None = None
    title: ShortText | None = None
    email: Email | None = None
    phone: Phone | None = None


class ServiceLocation(msgspec.Struct, forbid_unknown_fields=True, kw_only=True, omit_defaults=True):
    name: ShortText | None = None
    address: ShortText | None = None
    municipality: ShortText | None = None


class ServiceDetails(msgspec.Struct, kw_only=True):
    """What a service says of itself beyond its name, whether entered here (ServiceIn)
    or imported from a catalogue file (imported.ImportedService)."""

    description: Text = ""
    categories: Categories = []
    eligibility: Text | None = None
    contact: Contact | None = None
    location: ServiceLocation | None = None
    schedule: ShortText | None = None
    url: Url | None = None
    email: Email | None = None
    phone: Phone | None = None


class ServiceIn(ServiceDetails, Body):
    """A service in the catalogue (Open Referral HSDS: service, with its organisation,
    category, eligibility, contact, location and schedule)."""

    # Before the details in the document: a subclass's own fields, being positional,
    # come before the keyword-only fields of ServiceDetails.
    name: Name
    organisation_id: Id | None = None  # the caller's own organisation when left out


class ServicePatch(Body):
    name: Name | UnsetType = UNSET
    description: Text | UnsetType = UNSET
    categories: Categories | UnsetType = UNSET
    eligibility: Text | UnsetType | None = UNSET
    contact: Contact | UnsetType | None = UNSET
    location: ServiceLocation | UnsetType | None = UNSET
    schedule: ShortText | UnsetType | None = UNSET
    url: Url | UnsetType | None = UNSET
    email: Email | UnsetType | None = UNSET
    phone: Phone | UnsetType | None = UNSET
    status: ServiceStatus | UnsetType = UNSET


class ServiceOut(msgspec.Struct, kw_only=True):
    id: str
    organisation_id: str
    organisation_name: str
    external_id: str | None
    name: str
    description: str
    categories: list[str]
    eligibility: str | None
    contact: Contact | None
    location: ServiceLocation | None
    schedule: str | None
    url: str | None
    email: str | None
    phone: str | None
    status: ServiceStatus
    updated_at: datetime


# Referrals ----------------------------------------------------------------------------


class ReferralIn(Body):
    client_id: Id
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=5000, pattern=NOT_BLANK)]
    programme_id: Id | None = None
    service_id: Id | None = None
    needs: Text | None = None
    consent_id: Id | None = None


class StatusIn(Body):
    status: Status
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class ReferralEvent(msgspec.Struct, kw_only=True):
    at: datetime
    from_status: Status | None
    to_status: Status
    reason: str | None
    actor_id: str | None
    actor_name: str | None


class Target(msgspec.Struct, kw_only=True):
    kind: Literal["programme", "service"]
    id: str
    name: str
    organisation_id: str
    organisation_name: str


class WorkContact(msgspec.Struct, kw_only=True):
    """A responsible worker of the client, reached at work."""

    staff_id: str
    name: str
    email: str
    phone: str | None
    organisation_name: str


class ReferralClient(msgspec.Struct, kw_only=True):
    """What the receiving side needs to know of the person referred.

    Under non-disclosure (turvakielto) the client's details stay with their own
    organisation: the other side sees the first name only (`last_name` is null), and
    `contact_through` names the client's responsible workers, by whom the client is
    reached (empty when the caller may see the details themselves)."""

    id: str
    first_name: str
    last_name: str | None
    language: str
    plain_language: bool
    non_disclosure: bool = False
    contact_through: list[WorkContact] = []


class ReferralOut(msgspec.Struct, kw_only=True):
    id: str
    status: Status
    status_reason: str | None
    client: ReferralClient
    target: Target
    from_organisation_id: str
    referred_by: str
    referred_by_name: str
    reason: str
    needs: str | None
    consent_id: str | None
    # False once the consent the referral rests on no longer holds: the receiving
    # side can no longer see it.
    shared: bool
    enrolment_id: str | None
    your_sides: list[Literal["referring", "receiving"]]
    allowed_moves: list[Status]
    created_at: datetime
    updated_at: datetime
    events: list[ReferralEvent]


class ReferralSummary(msgspec.Struct, kw_only=True):
    id: str
    status: Status
    client_id: str
    target: Target
    referred_by: str
    created_at: datetime
    updated_at: datetime


StalledReason = Literal["no_answer", "not_started", "no_continuation", "repeated_absence"]


class StalledPath(msgspec.Struct, kw_only=True):
    """A place where a client's path has stopped: what, since when, and what it is
    about."""

    reason: StalledReason
    detail: str
    client_id: str
    # When the last step was taken (the referral sent, accepted; the programme or
    # plan ended; the absences began), and when waiting became a break.
    since: datetime
    stalled_since: date
    referral_id: str | None = None
    programme_id: str | None = None
    plan_id: str | None = None


class ReferralPage(msgspec.Struct, kw_only=True, tag_field="list", tag="referrals"):
    items: list[ReferralSummary]
    next_cursor: str | None


class StalledPage(msgspec.Struct, kw_only=True, tag_field="list", tag="stalled"):
    items: list[StalledPath]
    next_cursor: str | None
