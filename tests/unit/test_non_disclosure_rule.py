"""The non-disclosure rule (turvakielto), without a database: who sees a marked client's
contact details, birth date and home municipality, and what the others get instead."""

from __future__ import annotations

import pytest

from service.clients.disclosure import (
    PROTECTED,
    Viewer,
    may_mark,
    sees_protected,
    shown,
    withheld,
    withheld_from_others,
)

OWN, OTHER = "org-own", "org-other"


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (Viewer(OWN, {"referrer"}, responsible=True), True),
        (Viewer(OWN, {"coach"}, responsible=True), True),
        (Viewer(OWN, {"admin"}, responsible=False), True),
        (Viewer(OWN, {"coach"}, responsible=False), False),  # a facilitator, a plan coach
        (Viewer(OWN, {"referrer"}, responsible=False), False),
        (Viewer(OTHER, {"coach"}, responsible=True), False),  # a partner's worker
        (Viewer(OTHER, {"admin"}, responsible=False), False),
        (Viewer(OTHER, {"admin", "coach"}, responsible=True), False),
    ],
)
def test_only_own_responsible_workers_and_admins_see_a_marked_client(
    viewer: Viewer, sees: bool
) -> None:
    assert sees_protected(True, OWN, viewer) is sees
    assert may_mark(OWN, viewer) is sees
    assert withheld(True, OWN, viewer) == ([] if sees else list(PROTECTED))
    # Without the mark everyone who reaches the client sees it all.
    assert sees_protected(False, OWN, viewer) is True
    assert withheld(False, OWN, viewer) == []


def test_shown_nulls_what_is_withheld_and_says_so() -> None:
    row = {
        "id": "c1",
        "organisation_id": OWN,
        "first_name": "Sanni",
        "email": "s@example.org",
        "phone": "+358401234567",
        "birth_date": "1984-05-17",
        "home_municipality": "Kangasala",
        "non_disclosure": True,
        "viewer_is_responsible": False,
    }
    hidden = shown(row, OTHER, {"admin"})
    assert "viewer_is_responsible" not in hidden
    assert hidden["withheld_fields"] == list(PROTECTED)
    assert [hidden[name] for name in PROTECTED] == [None] * 4
    assert hidden["first_name"] == "Sanni"
    assert row["email"] == "s@example.org"  # the row itself is left as it was
    seen = shown({**row, "viewer_is_responsible": True}, OWN, {"coach"})
    assert seen["withheld_fields"] == []
    assert seen["email"] == "s@example.org"


def test_what_goes_beyond_the_organisation_never_carries_them() -> None:
    assert withheld_from_others(True) == list(PROTECTED)
    assert withheld_from_others(False) == []
