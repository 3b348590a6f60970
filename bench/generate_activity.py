"""What running the region leaves behind: feedback at the end of each group, the
situation each client left a finished group in and, six months on, the follow-up
question about it (answered, asked, or still to come), and the message history (invites
sent, reminders sent for recent sessions, reminders waiting for the coming ones), on the
channels each client consented to.

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

# Most who finished a group have their situation recorded as they leave it.
EXITS = """
INSERT INTO exits (client_id, programme_id, left_on, situation, recorded_by, recorded_at)
SELECT e.client_id, e.programme_id, (p.ends_at AT TIME ZONE p.timezone)::date,
       (ARRAY['employed', 'self_employed', 'education', 'job_seeking', 'training',
              'inactive', 'unknown'])[1 + floor(random() ^ 1.5 * 7)::int],
       p.created_by, p.ends_at
FROM enrolments e
JOIN programmes p ON p.id = e.programme_id
WHERE e.status = 'enrolled' AND p.ends_at < now() AND random() < 0.7
"""

# One follow-up per client, six months after their latest exit: to come, or asked and
# (mostly) answered, by the client or a worker.
FOLLOW_UPS = """
WITH latest AS (
    SELECT DISTINCT ON (client_id) id, client_id, left_on, recorded_by
    FROM exits ORDER BY client_id, left_on DESC, id
), due AS (
    SELECT l.*, (l.left_on + interval '6 months')::date AS due_on, random() AS roll
    FROM latest l
)
INSERT INTO follow_ups (client_id, exit_id, due_on, status, asked_at, situation,
                        recorded_on, source, recorded_by, answered_at)
SELECT client_id, id, due_on, kind.status,
       CASE WHEN kind.status <> 'scheduled' THEN due_on + time '10:00' END,
       CASE WHEN kind.status = 'answered'
            THEN (ARRAY['employed', 'self_employed', 'education', 'job_seeking',
                        'training', 'inactive', 'unknown'])[1 + floor(random() * 7)::int] END,
       CASE WHEN kind.status = 'answered' THEN due_on + 3 END,
       CASE WHEN kind.status = 'answered' THEN
            CASE WHEN roll < 0.2 THEN 'worker' ELSE 'client' END END,
       CASE WHEN kind.status = 'answered' AND roll < 0.2 THEN recorded_by END,
       CASE WHEN kind.status = 'answered' THEN due_on + 3 + time '12:00' END
FROM due
CROSS JOIN LATERAL (
    SELECT CASE WHEN due_on >= current_date THEN 'scheduled'
                WHEN roll < 0.6 THEN 'answered'
                ELSE 'asked' END AS status
) kind
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
    await conn.execute(EXITS)
    await conn.execute(FOLLOW_UPS)
    await conn.execute(MESSAGES)
