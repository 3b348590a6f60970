"""Non-disclosure for personal safety (turvakielto): which of a client's details a staff
member may see. The one rule; every read that returns a client's details asks it.

A client marked `non_disclosure` keeps their e-mail, phone, birth date and home
municipality inside their own organisation, and there only with their responsible
workers and its admins. Everyone else who reaches the client sees those fields as null,
with `non_disclosure: true` and the names of the fields withheld so that a front end
can say why. Polku itself still uses the details to reach the client (their own
messages go to their own address); only people are kept from seeing them.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

# What non-disclosure hides: how to find the person, and where they live.
PROTECTED = ("email", "phone", "birth_date", "home_municipality")


@dataclass(frozen=True, slots=True)
class Viewer:
    """A staff member looking at one client, as far as the rule needs to know them."""

    organisation_id: str
    roles: Collection[str]
    responsible: bool  # a responsible worker (omatyöntekijä) of this client


def sees_protected(non_disclosure: bool, client_organisation_id: str, viewer: Viewer) -> bool:
    """Whether the viewer may see (and change) the client's protected details."""
    if not non_disclosure:
        return True
    if viewer.organisation_id != client_organisation_id:
        return False
    return viewer.responsible or "admin" in viewer.roles


def withheld(non_disclosure: bool, client_organisation_id: str, viewer: Viewer) -> list[str]:
    """The protected fields the viewer may not see: all of them, or none."""
    if sees_protected(non_disclosure, client_organisation_id, viewer):
        return []
    return list(PROTECTED)


def shown(row: Mapping[str, Any], organisation_id: str, roles: Collection[str]) -> dict[str, Any]:
    """A client record as the viewer may see it. `row` carries the client's fields with
    `non_disclosure`, `organisation_id` and `viewer_is_responsible` (whether the viewer
    is one of the client's responsible workers); the answer has the protected fields the
    viewer may not see set to null and their names under `withheld_fields`."""
    fields = dict(row)
    viewer = Viewer(organisation_id, roles, bool(fields.pop("viewer_is_responsible", False)))
    hidden = withheld(bool(fields["non_disclosure"]), str(fields["organisation_id"]), viewer)
    for name in hidden:
        fields[name] = None
    fields["withheld_fields"] = hidden
    return fields


def may_mark(client_organisation_id: str, viewer: Viewer) -> bool:
    """Whether the viewer may set or clear the client's non-disclosure: those who would
    still see the details under it."""
    return sees_protected(True, client_organisation_id, viewer)


def withheld_from_others(non_disclosure: bool) -> list[str]:
    """The protected fields left out of what goes beyond the organisation's people (the
    ESF+ participant export for funders, and the like): all of them under non-disclosure,
    whoever makes the export."""
    return list(PROTECTED) if non_disclosure else []
