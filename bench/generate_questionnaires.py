"""Questionnaire rounds: every programme has a group-end feedback round (migration 0035
ships the form), half of them anonymous, answered by most of its clients and its
facilitators, as rows the API writes (named answers, the anonymous round's one shuffled
array, and who answered).

INSERT … SELECT from the rows already generated, as generate_activity.py does.
"""

from __future__ import annotations

import random

import asyncpg

from bench.region import Region

ROUNDS = """
INSERT INTO questionnaire_rounds (programme_id, questionnaire_id, opens_on, closes_on, anonymous,
                                  created_by, created_at)
SELECT p.id, q.id, (p.ends_at AT TIME ZONE 'Europe/Helsinki')::date - 7,
       (p.ends_at AT TIME ZONE 'Europe/Helsinki')::date + 14, random() < 0.5,
       p.created_by, p.ends_at - interval '7 days'
FROM programmes p
JOIN questionnaires q ON q.key = 'group_end_feedback' AND q.version = 1
"""

# Who answers each round (most enrolled clients, every facilitator), and what.
PEOPLE = """
CREATE TEMPORARY TABLE bench_respondents ON COMMIT DROP AS
SELECT who.*,
       jsonb_build_object(
           'got_support', random() < 0.79,
           'new_plans', random() < 0.45,
           'group_useful', 1 + floor(random() * 5)::int,
           'comment', (ARRAY['Hyvä ryhmä', 'Sain tukea', 'Liian aikaisin', 'Kiitos'])
                      [1 + floor(random() * 4)::int]) AS answers
FROM (
    SELECT r.id AS round_id, r.anonymous, 'client' AS role, e.client_id,
           NULL::uuid AS staff_id
    FROM questionnaire_rounds r
    JOIN enrolments e ON e.programme_id = r.programme_id AND e.status = 'enrolled'
    WHERE random() < 0.9
    UNION ALL
    SELECT r.id, r.anonymous, 'staff', NULL, ps.staff_id
    FROM questionnaire_rounds r
    JOIN programme_staff ps ON ps.programme_id = r.programme_id AND ps.role = 'facilitator'
) who
"""

NAMED = """
INSERT INTO questionnaire_answers (round_id, role, client_id, staff_id, answers, answered_at)
SELECT round_id, role, client_id, staff_id, answers, now() - interval '1 day'
FROM bench_respondents WHERE NOT anonymous
"""

ANONYMOUS = """
INSERT INTO questionnaire_anonymous_answers (round_id, answers)
SELECT round_id, jsonb_agg(jsonb_build_object('role', role, 'answers', answers)
                           ORDER BY random())
FROM bench_respondents WHERE anonymous
GROUP BY round_id
"""

RESPONDENTS = """
INSERT INTO questionnaire_respondents (round_id, client_id, staff_id)
SELECT round_id, client_id, staff_id FROM bench_respondents
"""


async def generate_questionnaires(
    conn: asyncpg.Connection, rng: random.Random, clients: int, region: Region
) -> None:
    await conn.execute("SELECT setseed($1)", rng.random() * 2 - 1)
    for statement in (ROUNDS, PEOPLE, NAMED, ANONYMOUS, RESPONDENTS):
        await conn.execute(statement)
