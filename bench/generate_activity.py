"""What running the region leaves behind: feedback at the end of each group, and the
message history (invites sent, reminders sent for recent sessions, reminders waiting
for the coming ones), on the channels each client consented to.

Made with INSERT … SELECT from the rows already generated: it derives everything
from them, and PostgreSQL does it without a round trip per row. setseed() keeps
the random choices the same from run to run.
"""

from __future__ import annotations

import random

import asyncpg

from bench.region import Region

FEEDBACK = """
INSERT INTO programme_feedback (enrolment_id, programme_id, client_id, got_support, new_plans,
                                recorded_by, recorded_at)
SELECT e.id, e.programme_id, e.client_id, random() < 0.79, random() < 0.45, p.created_by,
       p.ends_at
FROM enrolments e
JOIN programmes p ON p.id = e.programme_id
WHERE e.status = 'enrolled' AND p.ends_at < now() AND random() < 0.8
"""

# Invites at enrolment; reminders the day before each session of the last sixty days
# (sent) and of the next fourteen (waiting), by e-mail and SMS where consented.
MESSAGES = """
WITH channels AS (
    SELECT client_id,
           CASE purpose WHEN 'email_reminders' THEN 'email' ELSE 'sms' END AS channel
    FROM consents
    WHERE purpose IN ('email_reminders', 'sms_reminders')
), places AS (
    SELECT e.client_id, e.programme_id, e.enrolled_at, ch.channel
    FROM enrolments e
    JOIN channels ch ON ch.client_id = e.client_id
    WHERE e.status = 'enrolled'
)
INSERT INTO messages (client_id, kind, channel, programme_id, session_id, offset_spec,
                      scheduled_for, status, attempts, sent_at, created_at, updated_at)
SELECT client_id, 'invite', 'email', programme_id, NULL, NULL, enrolled_at, 'sent', 1,
       enrolled_at, enrolled_at, enrolled_at
FROM places WHERE channel = 'email'
UNION ALL
SELECT pl.client_id, 'reminder', pl.channel, pl.programme_id, s.id, offsets.spec,
       s.starts_at - offsets.before,
       CASE WHEN s.starts_at - offsets.before < now() THEN 'sent' ELSE 'pending' END,
       CASE WHEN s.starts_at - offsets.before < now() THEN 1 ELSE 0 END,
       CASE WHEN s.starts_at - offsets.before < now() THEN s.starts_at - offsets.before END,
       pl.enrolled_at, pl.enrolled_at
FROM places pl
JOIN sessions s ON s.programme_id = pl.programme_id
CROSS JOIN (VALUES ('P1D', interval '1 day'), ('PT2H', interval '2 hours'))
    AS offsets (spec, before)
WHERE s.status = 'scheduled'
  AND s.starts_at BETWEEN now() - interval '60 days' AND now() + interval '14 days'
"""


async def generate_activity(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    await conn.execute("SELECT setseed($1)", rng.random() * 2 - 1)
    await conn.execute(FEEDBACK)
    await conn.execute(MESSAGES)
