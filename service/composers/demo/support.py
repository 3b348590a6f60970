"""Participant support in the demo: at every session held so far of the completed and
the running group, a meal for everyone who came in person, and a bus ticket there and
back for the two who live furthest away (the first two on the list)."""

from __future__ import annotations

from service.composers.demo.cast import COACH
from service.composers.demo.seeder import Seeder

MEAL = "6.50"
BUS_TICKET = "3.20"  # a single regional ticket; two a session, there and back
GROUPS = ("Askeleita työelämään", "Voimaa arkeen")

# Given by the group's coach as the session began. Straight into the table, as the
# seed's other backdated rows: a group that ended weeks ago is past its coach's reach.
HAND_OUT = """
WITH present AS (
    SELECT s.id AS session_id, s.programme_id, s.starts_at, a.client_id,
           row_number() OVER (PARTITION BY s.id ORDER BY c.sort_name, c.id) AS place
    FROM programmes p
    JOIN sessions s ON s.programme_id = p.id
    JOIN attendance a ON a.session_id = s.id AND a.status = 'present'
    JOIN clients c ON c.id = a.client_id
    WHERE p.title = ANY ($1::text[]) AND s.starts_at <= now()
)
INSERT INTO participant_support (programme_id, session_id, client_id, kind, amount_eur, note,
                                 given_by, given_at)
SELECT programme_id, session_id, client_id, 'meal', $2::numeric, NULL, $4::uuid,
       starts_at + interval '1 hour'
FROM present
UNION ALL
SELECT programme_id, session_id, client_id, 'bus_ticket', $3::numeric * 2, 'Meno-paluu', $4::uuid,
       starts_at - interval '10 minutes'
FROM present WHERE place <= 2
"""


async def hand_out_support(seed: Seeder) -> None:
    await seed.conn.execute(HAND_OUT, list(GROUPS), MEAL, BUS_TICKET, seed.people[COACH].id)
