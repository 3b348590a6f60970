"""The reach rule in the database: `can_reach_client` (one viewer, one client),
`reachable_among` (many clients at once) and `reachable_clients` (every client of one
viewer) must always agree, whatever state each relationship is in. Every relationship ×
its states × same or other organisation × consent × the viewer's roles and active flag,
against the rule written out in Python."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import asyncpg

from tests.factories import Factory, Person

CLOSED = ("rejected", "completed", "cancelled", "failed")


@dataclass(frozen=True)
class Case:
    relationship: str
    state: str
    other_organisation: bool
    consent: bool
    roles: tuple[str, ...]
    active: bool

    @property
    def expected(self) -> bool:
        if not self.active or not set(self.roles) & {"admin", "coach", "referrer"}:
            return False
        if not self.other_organisation and "admin" in self.roles:
            return True  # an admin of the client's own organisation, always
        if self.relationship == "admin":
            return False
        if self.other_organisation and not self.consent:
            return False
        live = {
            "worker": {"assigned"},
            "plan": {"open", "ended_29_days_ago"},
            "group": {"enrolled", "waitlisted", "ended_29_days_ago"},
            "referrer": {"requested", "on-hold", "closed_29_days_ago"},
            "receiving": {"requested", "in-progress", "closed_29_days_ago"},
        }
        if self.relationship == "receiving" and self.roles == ("referrer",):
            return False  # a programme's receiving side is its coaches and admins
        return self.state in live[self.relationship]


STATES = {
    "worker": ("assigned", "none"),
    "plan": ("open", "ended_29_days_ago", "ended_31_days_ago"),
    "group": ("enrolled", "waitlisted", "withdrawn", "ended_29_days_ago", "ended_31_days_ago"),
    "referrer": ("requested", "on-hold", "closed_29_days_ago", "closed_31_days_ago"),
    "receiving": ("requested", "in-progress", "closed_29_days_ago", "closed_31_days_ago"),
    "admin": ("always",),
}


async def _arrange(db: asyncpg.Connection, make: Factory, case: Case) -> tuple[str, str]:
    """A viewer and a client in the case's state; returns (viewer id, client id)."""
    home = await make.organisation()
    viewer_home = await make.organisation() if case.other_organisation else home
    owner = await make.staff("referrer", organisation_id=home)
    viewer: Person = await make.staff(*case.roles, organisation_id=viewer_home)
    client_id = await make.client(owner)
    if case.consent:
        await make.consent(client_id, "data_sharing", owner, organisation_ids=[viewer_home])
    if not case.active:
        await db.execute("UPDATE staff SET active = false WHERE id = $1", viewer.id)
    if case.relationship == "worker" and case.state == "assigned":
        await make.responsible(client_id, viewer)
    elif case.relationship == "plan":
        ends = {"open": None, "ended_29_days_ago": 29, "ended_31_days_ago": 31}[case.state]
        plan_id = await db.fetchval(
            "INSERT INTO plans (client_id, kind, starts_on, ends_on) VALUES "
            "($1, 'goal_coaching', current_date - 100, current_date - $2::int) RETURNING id",
            client_id,
            ends,
        )
        await db.execute("INSERT INTO plan_coaches VALUES ($1, $2)", plan_id, viewer.id)
    elif case.relationship == "group":
        ended = {"ended_29_days_ago": 29, "ended_31_days_ago": 31}.get(case.state)
        programme_id = await _programme(db, home, ended)
        await db.execute(
            "INSERT INTO programme_staff VALUES ($1, $2, 'facilitator')", programme_id, viewer.id
        )
        status = case.state if case.state in {"waitlisted", "withdrawn"} else "enrolled"
        await db.execute(
            "INSERT INTO enrolments (programme_id, client_id, status, waitlist_position) "
            "VALUES ($1, $2, $3, CASE WHEN $3 = 'waitlisted' THEN 1 END)",
            programme_id,
            client_id,
            status,
        )
    elif case.relationship in {"referrer", "receiving"}:
        programme_id = await _programme(db, viewer_home, None)
        referrer = viewer if case.relationship == "referrer" else owner
        status, ended = {
            "requested": ("requested", None),
            "on-hold": ("on-hold", None),
            "in-progress": ("in-progress", None),
            "closed_29_days_ago": ("completed", 29),
            "closed_31_days_ago": ("rejected", 31),
        }[case.state]
        await db.execute(
            "INSERT INTO referrals (client_id, programme_id, from_organisation_id, "
            "to_organisation_id, referred_by, reason, status, held_from, ended_at) "
            "VALUES ($1, $2, $3, $4, $5, 'x', $6, CASE WHEN $6 = 'on-hold' THEN 'received' END,"
            " now() - make_interval(days => $7::int))",
            client_id,
            programme_id,
            home,
            viewer_home if case.relationship == "receiving" else home,
            referrer.id,
            status,
            ended,
        )
    return viewer.id, client_id


async def _programme(db: asyncpg.Connection, organisation_id: str, ended: int | None) -> str:
    programme_id: str = await db.fetchval(
        """
        INSERT INTO programmes (organisation_id, title, first_session_date, start_time,
            duration_minutes, weeks, timezone, capacity, location_name, skip_public_holidays,
            starts_at, ends_at)
        VALUES ($1, 'Ryhmä', current_date, '10:00', 60, 8, 'Europe/Helsinki', 10, 'Paikka',
            true, now() - interval '90 days',
            coalesce(now() - make_interval(days => $2::int), now() + interval '30 days'))
        RETURNING id
        """,
        organisation_id,
        ended,
    )
    return programme_id


def _cases() -> list[Case]:
    cases = []
    for relationship, states in STATES.items():
        for state, other, consent in itertools.product(states, (False, True), (False, True)):
            if not other and consent:
                continue  # consent matters only across organisations
            cases.append(Case(relationship, state, other, consent, ("coach",), True))
        # The viewer's own account, on a live relationship.
        for roles, active in ((("analyst",), True), (("coach",), False), (("admin",), True)):
            cases.append(Case(relationship, states[0], False, False, roles, active))
    cases.append(Case("receiving", "requested", False, False, ("referrer",), True))
    return cases


async def test_reach_functions_agree_with_the_rule(db: asyncpg.Connection, make: Factory) -> None:
    arranged = [(case, *await _arrange(db, make, case)) for case in _cases()]
    wrong = []
    for case, viewer, client_id in arranged:
        single = await db.fetchval("SELECT can_reach_client($1, $2)", viewer, client_id)
        listed = await db.fetchval(
            "SELECT EXISTS (SELECT FROM reachable_clients($1) WHERE client_id = $2)",
            viewer,
            client_id,
        )
        among = await db.fetchval(
            "SELECT EXISTS (SELECT FROM reachable_among($1, ARRAY[$2::uuid, gen_random_uuid()]))",
            viewer,
            client_id,
        )
        if not single == listed == among == case.expected:
            wrong.append((case, single, listed, among))
    assert wrong == []
