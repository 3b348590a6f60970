"""The export's body (documented field by field in docs/export.md) and the access
requests' bodies."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

import msgspec

from service.composers.export.rules import RequestStatus

# 1: the first shape. A field added keeps the number; one renamed or removed raises it.
EXPORT_FORMAT = 1

Json = Any


class Record(msgspec.Struct, kw_only=True):
    id: str
    first_name: str
    last_name: str
    birth_date: date | None
    gender: str | None
    home_municipality: str | None
    email: str | None
    phone: str | None
    language: str
    plain_language: bool
    timezone: str
    labour_market_status: str | None
    education_level: str | None
    # Turvakielto: contact details and home municipality are kept from other people.
    non_disclosure: bool
    organisation_id: str
    organisation: str
    created_by: str | None
    created_at: datetime
    updated_at: datetime
    # The client relationship closed (and by whom, why); kept until `retention_until`.
    closed_on: date | None
    closed_at: datetime | None
    closed_by: str | None
    close_reason: str | None
    retention_until: date | None
    erased_at: datetime | None


class RecordChange(msgspec.Struct, kw_only=True):
    id: int
    changed_at: datetime
    changed_by: str | None
    changed_by_organisation: str | None
    field: str
    old_value: Json
    new_value: Json


class Worker(msgspec.Struct, kw_only=True):
    staff_id: str
    name: str
    organisation: str
    relation: str
    since: datetime


class Consent(msgspec.Struct, kw_only=True):
    id: str
    purpose: str
    organisations: list[str]
    given_at: datetime
    valid_until: date | None
    recorded_by: str
    revoked_at: datetime | None
    revoked_by: str | None
    revocation_reason: str | None
    valid: bool


class Enrolment(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    programme: str
    status: str
    waitlist_position: int | None
    referral_id: str | None
    created_at: datetime
    enrolled_at: datetime | None
    withdrawn_at: datetime | None
    withdrawal_reason: str | None
    labour_market_status_at_entry: str | None
    education_level_at_entry: str | None


class Attendance(msgspec.Struct, kw_only=True):
    session_id: str
    programme: str
    number: int
    starts_at: datetime
    status: str
    recorded_at: datetime
    recorded_by: str | None


class Feedback(msgspec.Struct, kw_only=True):
    enrolment_id: str
    programme: str
    got_support: bool
    new_plans: bool
    comment: str | None
    recorded_at: datetime
    recorded_by: str


class AttentionFlag(msgspec.Struct, kw_only=True):
    id: str
    programme: str
    reason: str
    since: datetime
    details: Json
    created_at: datetime
    resolved_at: datetime | None


class Rsvp(msgspec.Struct, kw_only=True):
    id: int
    session_id: str | None
    meeting_id: str | None
    answer: str
    via: str
    answered_at: datetime


class Rating(msgspec.Struct, kw_only=True):
    id: str
    level: int
    rated_on: date
    note: str | None
    rater: Literal["staff", "client"]
    rated_by: str | None
    created_at: datetime


class Goal(msgspec.Struct, kw_only=True):
    id: str
    position: int
    title: str
    weight: float
    baseline: int
    levels: dict[str, str]
    created_at: datetime
    updated_at: datetime
    ratings: list[Rating]


class Continuation(msgspec.Struct, kw_only=True):
    next_step: str
    description: str
    target_date: date | None
    updated_at: datetime
    updated_by: str | None


class Meeting(msgspec.Struct, kw_only=True):
    id: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    location_name: str | None
    location_address: str | None
    online_url: str | None
    status: str
    cancellation_reason: str | None
    created_at: datetime


class Note(msgspec.Struct, kw_only=True):
    id: str
    body: str
    author: str
    created_at: datetime


class Plan(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    starts_on: date
    ends_on: date | None
    created_at: datetime
    updated_at: datetime
    created_by: str | None
    labour_market_status_at_entry: str | None
    education_level_at_entry: str | None
    coaches: list[str]
    goals: list[Goal]
    continuation: Continuation | None
    meetings: list[Meeting]
    confidential_notes: list[Note]


class Assessment(msgspec.Struct, kw_only=True):
    id: str
    instrument: str
    instrument_version: int
    instrument_name: Json
    assessed_on: date
    answers: Json
    scores: Json
    answered_by: str
    recorded_by: str | None
    created_at: datetime


class AssessmentRequest(msgspec.Struct, kw_only=True):
    id: str
    plan_id: str
    instrument: str
    requested_by: str
    requested_at: datetime
    assessment_id: str | None
    answered_at: datetime | None


class StrengthsCv(msgspec.Struct, kw_only=True):
    summary: str
    strengths: list[str]
    skills: list[str]
    experience: Json
    interests: list[str]
    updated_at: datetime
    updated_by: str | None


class ReferralEvent(msgspec.Struct, kw_only=True):
    id: str
    from_status: str | None
    to_status: str
    reason: str | None
    at: datetime
    actor: str | None


class Referral(msgspec.Struct, kw_only=True):
    id: str
    kind: Literal["programme", "service"]
    target: str
    from_organisation: str
    to_organisation: str
    referred_by: str
    reason: str
    needs: str | None
    status: str
    status_reason: str | None
    consent_id: str | None
    enrolment_id: str | None
    created_at: datetime
    answered_at: datetime | None
    accepted_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None
    history: list[ReferralEvent]


class Support(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str
    session_id: str
    starts_at: datetime
    kind: str
    # Euros as an exact decimal, "12.50".
    amount_eur: str
    note: str | None
    given_by: str
    given_at: datetime


class QuestionnaireAnswered(msgspec.Struct, kw_only=True):
    round_id: str
    programme_id: str
    questionnaire: str
    version: int
    anonymous: bool
    opens_on: date
    closes_on: date
    # A named round's answer: its id, the answers by item key, when last changed.
    answer: QuestionnaireAnswer | None


class QuestionnaireAnswer(msgspec.Struct, kw_only=True):
    id: str
    answers: Json
    answered_at: datetime


class Exit(msgspec.Struct, kw_only=True):
    id: str
    programme_id: str | None
    plan_id: str | None
    left_on: date
    situation: str
    recorded_by: str
    recorded_at: datetime


class FollowUp(msgspec.Struct, kw_only=True):
    id: str
    exit_id: str
    due_on: date
    status: str
    asked_at: datetime | None
    situation: str | None
    recorded_on: date | None
    source: str | None
    recorded_by: str | None
    answered_at: datetime | None
    created_at: datetime


class EsfEntry(msgspec.Struct, kw_only=True):
    disability: str | None
    minority: str | None
    homelessness: str | None
    recorded_by: str
    recorded_at: datetime


class Message(msgspec.Struct, kw_only=True):
    """A message to the client, its delivery, and what it said: `subject_line` (an
    e-mail's; none for an SMS) and `text` (the SMS, or the e-mail's plain text) as sent.
    None for a message not sent, or sent before Polku kept texts (2026-12-07), or that
    carried a one-time code or a page link (secrets, not kept once they go)."""

    id: str
    kind: str
    channel: str
    status: str
    programme: str | None
    session_number: int | None
    meeting_id: str | None
    subject_type: str | None
    offset_spec: str | None
    changes: list[str]
    scheduled_for: datetime
    sent_at: datetime | None
    attempts: int
    status_reason: str | None
    created_at: datetime
    updated_at: datetime
    # What it said, as sent (see above). A field added: the format stays 1.
    subject_line: str | None
    text: str | None


class InboundSms(msgspec.Struct, kw_only=True):
    id: str
    received_at: datetime
    handled_as: str
    text: str | None


class Notice(msgspec.Struct, kw_only=True):
    id: str
    kind: str
    staff_name: str
    event_id: str | None
    inbound_sms_id: str | None
    created_at: datetime
    read_at: datetime | None


class CalendarFeed(msgspec.Struct, kw_only=True):
    id: str
    created_by: str
    created_at: datetime
    revoked_at: datetime | None
    last_fetched_at: datetime | None
    from_page: bool


class PageCode(msgspec.Struct, kw_only=True):
    id: str
    channel: str
    created_at: datetime
    expires_at: datetime
    wrong_tries: int
    used_at: datetime | None


class PageVisit(msgspec.Struct, kw_only=True):
    id: str
    created_at: datetime
    expires_at: datetime


class PageLink(msgspec.Struct, kw_only=True):
    id: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    codes: list[PageCode]
    personal_visits: list[PageVisit]


class AccessRequestHeld(msgspec.Struct, kw_only=True):
    id: str
    received_on: date
    due_on: date
    recorded_by: str
    recorded_at: datetime
    answered_at: datetime | None
    answered_by: str | None


class LegalHold(msgspec.Struct, kw_only=True):
    id: str
    reason: str
    placed_by: str
    placed_at: datetime
    lifted_by: str | None
    lifted_at: datetime | None


class AccessEvent(msgspec.Struct, kw_only=True):
    id: int
    occurred_at: datetime
    actor_kind: Literal["staff", "client", "system"]
    staff_name: str | None
    organisation: str | None
    action: str
    outcome: str
    subject_type: str | None
    subject_id: str | None
    detail: Json


class ClientExport(msgspec.Struct, kw_only=True):
    format: int
    generated_at: datetime
    record: Record
    record_changes: list[RecordChange]
    workers: list[Worker]
    consents: list[Consent]
    enrolments: list[Enrolment]
    attendance: list[Attendance]
    programme_feedback: list[Feedback]
    attention_flags: list[AttentionFlag]
    rsvps: list[Rsvp]
    plans: list[Plan]
    assessments: list[Assessment]
    assessment_requests: list[AssessmentRequest]
    strengths_cv: StrengthsCv | None
    referrals: list[Referral]
    participant_support: list[Support]
    questionnaires: list[QuestionnaireAnswered]
    exits: list[Exit]
    follow_ups: list[FollowUp]
    esf_entry: EsfEntry | None
    messages: list[Message]
    inbound_sms: list[InboundSms]
    notices: list[Notice]
    calendar_feeds: list[CalendarFeed]
    page_links: list[PageLink]
    access_requests: list[AccessRequestHeld]
    legal_holds: list[LegalHold]
    access_log: list[AccessEvent]


# Access requests ---------------------------------------------------------------------


class AccessRequestIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    received_on: date


class AccessRequestOut(msgspec.Struct, kw_only=True):
    id: str
    client_id: str
    client_name: str | None = None
    received_on: date
    due_on: date
    status: RequestStatus
    recorded_by: str
    recorded_at: datetime
    answered_at: datetime | None
    answered_by: str | None
    # Where the export that answers it is read (admins of the client's organisation).
    export_url: str


class AccessRequestList(msgspec.Struct, kw_only=True):
    items: list[AccessRequestOut]


class AnsweredRequest(msgspec.Struct, kw_only=True):
    access_request: AccessRequestOut
    # The export given, whose SHA-256 (of this JSON, as sent) the request keeps.
    export_sha256: str
    export: ClientExport
