-- Questionnaires ---------------------------------------------------------------------------

-- name: add_questionnaire(key, version, definition, created_by)^
INSERT INTO questionnaires (key, version, definition, created_by)
VALUES (:key, :version, :definition, :created_by)
ON CONFLICT (key, version) DO NOTHING
RETURNING id;

-- name: list_questionnaires(every_version, after_key, after_version, limit)
-- The newest version of each questionnaire, or every version; by key, newest first.
SELECT key, version, definition FROM questionnaires q
WHERE (:every_version OR version = (SELECT max(version) FROM questionnaires j WHERE j.key = q.key))
  AND (key, -version) > (:after_key, -:after_version::int)
ORDER BY key, version DESC
LIMIT :limit;

-- name: latest_version(key)$
SELECT max(version) FROM questionnaires WHERE key = :key;

-- name: questionnaire(key, version)^
SELECT id, key, version, definition FROM questionnaires
WHERE key = :key AND (:version::int IS NULL OR version = :version)
ORDER BY version DESC
LIMIT 1;

-- Rounds -------------------------------------------------------------------------------------

-- name: programme_exists(programme_id)$
SELECT EXISTS (SELECT FROM programmes WHERE id = :programme_id);

-- name: insert_round(programme_id, questionnaire_id, opens_on, closes_on, anonymous, created_by)$
INSERT INTO questionnaire_rounds
    (programme_id, questionnaire_id, opens_on, closes_on, anonymous, created_by)
VALUES (:programme_id, :questionnaire_id, :opens_on, :closes_on, :anonymous, :created_by)
RETURNING id;

-- name: round(round_id)^
SELECT r.id, r.programme_id, r.opens_on, r.closes_on, r.anonymous, r.created_at,
       q.key AS questionnaire, q.version AS questionnaire_version, q.definition
FROM questionnaire_rounds r JOIN questionnaires q ON q.id = r.questionnaire_id
WHERE r.id = :round_id;

-- name: programme_rounds(programme_id, after_opens_on, after_id, limit)
SELECT r.id, r.programme_id, r.opens_on, r.closes_on, r.anonymous, r.created_at,
       q.key AS questionnaire, q.version AS questionnaire_version
FROM questionnaire_rounds r JOIN questionnaires q ON q.id = r.questionnaire_id
WHERE r.programme_id = :programme_id
  AND (r.opens_on, r.id) > (:after_opens_on::date, :after_id::uuid)
ORDER BY r.opens_on, r.id
LIMIT :limit;

-- name: may_answer_as_staff(programme_id, staff_id)$
SELECT programme_staff_member(:programme_id, :staff_id);

-- name: sees_results(programme_id, viewer)$
-- The programme's managers (facilitators, admins of the owning or managing
-- organisation), its contacts, the staff who take part in its rounds, and analysts of
-- the owning organisation.
SELECT programme_staff_member(:programme_id, :viewer) OR EXISTS (
    SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
    WHERE ps.programme_id = :programme_id AND ps.staff_id = :viewer AND s.active
) OR EXISTS (
    SELECT FROM programmes p
    JOIN organisations o ON o.id = p.organisation_id
    JOIN staff s ON s.id = :viewer AND s.active
    WHERE p.id = :programme_id
      AND ((s.roles && ARRAY['admin'] AND (s.organisation_id = o.id OR s.organisation_id = o.managed_by))
           OR (s.roles && ARRAY['analyst'] AND s.organisation_id = o.id))
);

-- Answers ------------------------------------------------------------------------------------

-- name: respondent(round_id, client_id, staff_id)$
SELECT EXISTS (
    SELECT FROM questionnaire_respondents
    WHERE round_id = :round_id
      AND (client_id = :client_id::uuid OR staff_id = :staff_id::uuid)
);

-- name: add_respondent(round_id, client_id, staff_id)$
-- True when this is the person's first answer to the round.
INSERT INTO questionnaire_respondents (round_id, client_id, staff_id)
VALUES (:round_id, :client_id, :staff_id)
ON CONFLICT DO NOTHING
RETURNING true;

-- name: save_named_client_answers(round_id, client_id, answers)$
INSERT INTO questionnaire_answers (round_id, role, client_id, answers)
VALUES (:round_id, 'client', :client_id, :answers)
ON CONFLICT (round_id, client_id) WHERE client_id IS NOT NULL
    DO UPDATE SET answers = EXCLUDED.answers, answered_at = now()
RETURNING id;

-- name: save_named_staff_answers(round_id, staff_id, answers)$
INSERT INTO questionnaire_answers (round_id, role, staff_id, answers)
VALUES (:round_id, 'staff', :staff_id, :answers)
ON CONFLICT (round_id, staff_id) WHERE staff_id IS NOT NULL
    DO UPDATE SET answers = EXCLUDED.answers, answered_at = now()
RETURNING id;

-- name: add_anonymous_answers(round_id, role, answers)!
-- Into the round's one row, the array shuffled whole on every answer: no answer keeps
-- a position, a row or a transaction of its own.
INSERT INTO questionnaire_anonymous_answers AS a (round_id, answers)
VALUES (:round_id, jsonb_build_array(jsonb_build_object('role', :role::text, 'answers', :answers::jsonb)))
ON CONFLICT (round_id) DO UPDATE SET answers = (
    SELECT jsonb_agg(e ORDER BY random())
    FROM jsonb_array_elements(a.answers || EXCLUDED.answers) AS e
);

-- name: named_answers_of(round_id, client_id, staff_id)$
SELECT answers FROM questionnaire_answers
WHERE round_id = :round_id
  AND (client_id = :client_id::uuid OR staff_id = :staff_id::uuid);

-- name: round_answers(round_id)
-- Every answer of a round as (role, answers), named or anonymous, no one named.
SELECT role, answers FROM questionnaire_answers WHERE round_id = :round_id
UNION ALL
SELECT e->>'role', e->'answers'
FROM questionnaire_anonymous_answers a, jsonb_array_elements(a.answers) AS e
WHERE a.round_id = :round_id;

-- Clients on their page ----------------------------------------------------------------------

-- name: open_rounds_of_client(client_id, today)
-- The open rounds of the programmes the client has a place in, and whether they have
-- answered each.
SELECT r.id, r.closes_on, r.anonymous, q.definition,
       EXISTS (SELECT FROM questionnaire_respondents x
               WHERE x.round_id = r.id AND x.client_id = :client_id) AS answered
FROM enrolments e
JOIN questionnaire_rounds r ON r.programme_id = e.programme_id
JOIN questionnaires q ON q.id = r.questionnaire_id
WHERE e.client_id = :client_id AND e.status = 'enrolled'
  AND :today BETWEEN r.opens_on AND r.closes_on
ORDER BY r.closes_on, r.id;

-- name: client_in_round(round_id, client_id)$
SELECT EXISTS (
    SELECT FROM questionnaire_rounds r
    JOIN enrolments e ON e.programme_id = r.programme_id
    WHERE r.id = :round_id AND e.client_id = :client_id AND e.status = 'enrolled'
);

-- Staff work lists ---------------------------------------------------------------------------

-- name: rounds_to_answer(staff_id, today)
-- Open rounds the staff member takes part in (programme_staff_member) and has not
-- answered. Only the rounds of their own groups are read (a county has thousands of
-- rounds) and the one rule is asked of each, so that the rule stays in one place.
SELECT r.id, r.programme_id, p.title AS programme_title, q.definition->'title' AS title,
       r.closes_on, r.anonymous
FROM questionnaire_rounds r
JOIN programmes p ON p.id = r.programme_id
JOIN questionnaires q ON q.id = r.questionnaire_id
WHERE r.programme_id IN (SELECT programme_id FROM programme_staff
                         WHERE staff_id = :staff_id)
  AND r.closes_on >= :today AND r.opens_on <= :today
  AND programme_staff_member(r.programme_id, :staff_id)
  AND NOT EXISTS (SELECT FROM questionnaire_respondents x
                  WHERE x.round_id = r.id AND x.staff_id = :staff_id)
ORDER BY r.closes_on, r.id;
