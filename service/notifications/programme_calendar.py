"""A group programme as the client's calendar holds it: its meetings as occurrences of
one series, described in the client's language, and the attachment each kind of message
carries (the whole series, one meeting changed or cancelled)."""

from __future__ import annotations

from datetime import timedelta
from email.utils import parseaddr
from typing import Any

from service.base.settings import Settings
from service.calendar import ics, texts
from service.notifications.outgoing import place


def occurrence(row: Any, programme: Any, description: str | None = None) -> ics.Occurrence:
    """One meeting of the group, at its own place and link or else the group's."""
    own_place = row["location_name"] is not None
    return ics.Occurrence(
        planned_start=row["planned_starts_at"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        location=place(row["location_name"], row["location_address"])
        if own_place
        else place(programme["location_name"], programme["location_address"]),
        url=row["online_url"] or programme["online_url"],
        description=description,
        cancelled=row["status"] == "cancelled",
        revision=row["revision"],
        changed_at=row["updated_at"],
    )


def session_occurrence(context: Any) -> ics.Occurrence:
    """The session a claimed message is about, from the session_* fields it comes with."""
    return occurrence(
        {
            "planned_starts_at": context["planned_starts_at"],
            "starts_at": context["starts_at"],
            "ends_at": context["ends_at"],
            "location_name": context["session_location_name"],
            "location_address": context["session_location_address"],
            "online_url": context["session_online_url"],
            "status": context["session_status"],
            "revision": context["revision"],
            "updated_at": context["session_updated_at"],
        },
        context,
    )


def occurrences(rows: list[Any], programme: Any, language: str) -> list[ics.Occurrence]:
    """Each meeting of the series, described in the client's language: one with a theme
    as that meeting of the group, the others as the series is."""
    phone = programme["organiser_phone"]
    described = []
    for row in rows:
        url = row["online_url"] or programme["online_url"]
        if row["theme"]:
            description = texts.session(
                language,
                number=row["number"],
                total=len(rows),
                theme=row["theme"],
                url=url,
                phone=phone,
            )
        else:
            description = texts.series(language, url=url, phone=phone)
        described.append(occurrence(row, programme, description))
    return described


def series(
    programme: Any, occurrences: list[ics.Occurrence], client: Any, settings: Settings
) -> ics.Series:
    """The whole programme as one recurring event, the client its attendee."""
    sender_name, sender_address = parseaddr(settings.mail_from)
    phone = programme["organiser_phone"]
    description = texts.series(client["language"], url=programme["online_url"], phone=phone)
    return ics.Series(
        uid=ics.uid("programme", programme["programme_id"]),
        title=programme["title"],
        zone=programme["timezone"],
        duration=timedelta(minutes=programme["duration_minutes"]),
        location=place(programme["location_name"], programme["location_address"]),
        url=programme["online_url"],
        description=description,
        sequence=programme["ical_sequence"],
        changed_at=programme["updated_at"],
        occurrences=occurrences,
        organizer=ics.Person(sender_address, programme["organisation"] or sender_name),
        attendee=ics.Person(client["email"], client["first_name"]) if client["email"] else None,
    )


def attachment(
    kind: str, series: ics.Series, occurrence: ics.Occurrence | None, *, group_cancelled: bool
) -> tuple[bytes | None, str | None]:
    """The calendar data a message of `kind` carries, and its iMIP method."""
    if occurrence is not None:
        # The series' own copy of the meeting is the one described with its theme.
        occurrence = next(
            (o for o in series.occurrences if o.planned_start == occurrence.planned_start),
            occurrence,
        )
    if kind == "invite" or (kind == "update" and occurrence is None):
        return ics.series_request(series), "REQUEST"
    if kind == "update" and occurrence is not None:
        return ics.occurrence_request(series, occurrence), "REQUEST"
    if kind == "cancellation":
        if occurrence is not None:
            return ics.occurrence_cancel(series, occurrence), "CANCEL"
        if group_cancelled:
            # Only what the group will not hold leaves the calendar.
            calendar = ics.group_cancel(series)
            return calendar, "CANCEL" if calendar is not None else None
        return ics.series_cancel(series), "CANCEL"
    return None, None
