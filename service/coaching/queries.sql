-- Plans -------------------------------------------------------------------------

-- name: insert_plan(client_id, kind, starts_on, ends_on, created_by)$
INSERT INTO plans (client_id, kind, starts_on, ends_on, created_by)
VALUES (:client_id, :kind, :starts_on, :ends_on, :created_by)
RETURNING id;

-- name: replace_coaches(plan_id, staff_ids)!
WITH removed AS (
    DELETE FROM plan_coaches WHERE plan_id = :plan_id AND staff_id <> ALL (:staff_ids::uuid[])
)
INSERT INTO plan_coaches (plan_id, staff_id)
SELECT :plan_id, staff_id FROM unnest(:staff_ids::uuid[]) AS staff_id
ON CONFLICT DO NOTHING;

-- name: coaches_with_role(ids)
SELECT id FROM staff WHERE id = ANY (:ids::uuid[]) AND active AND 'coach' = ANY (roles);

-- name: plan(id)^
SELECT p.id, p.client_id, p.kind, p.starts_on, p.ends_on, p.version, p.created_at,
       p.updated_at,
       ARRAY(SELECT staff_id FROM plan_coaches c WHERE c.plan_id = p.id ORDER BY staff_id)
           AS coach_ids
FROM plans p
WHERE p.id = :id;

-- name: read_plans(viewers, ids, request_ids, action)
-- Whole plans in one round trip, for reads that arrived together: for each (viewer,
-- id, request id), numbered n from 1, the plan if the viewer reaches its client, with
-- the read's audit row written by the same statement (none when action is NULL: the
-- answer to an edit, which audited itself). A plan not read has no row. Its parts come
-- as JSON text, which plan_view.py decodes straight into their types.
WITH asked AS (
    SELECT * FROM unnest(:viewers::uuid[], :ids::uuid[], :request_ids::text[])
        WITH ORDINALITY AS a (viewer, id, request_id, n)
), plan AS (
    SELECT a.n, a.viewer, a.request_id, p.*
    FROM asked a JOIN plans p ON p.id = a.id
    WHERE can_reach_client(a.viewer, p.client_id)
), audited AS (
    INSERT INTO audit_events (actor_id, action, client_id, subject_type, subject_id, request_id)
    SELECT viewer, :action, client_id, 'plan', id::text, request_id FROM plan
    WHERE :action::text IS NOT NULL
    ORDER BY n
)
SELECT p.n, p.id, p.client_id, p.kind, p.starts_on, p.ends_on, p.version, p.created_at,
       p.updated_at,
       ARRAY(SELECT staff_id FROM plan_coaches c WHERE c.plan_id = p.id ORDER BY staff_id)
           AS coach_ids,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', g.id, 'title', g.title, 'weight', g.weight, 'baseline', g.baseline,
               'levels', g.levels, 'version', g.version,
               'ratings', coalesce(rated.staff, '[]'),
               'client_ratings', coalesce(rated.client, '[]')
           ) ORDER BY g.position)
           FROM goals g
           -- Both raters' ratings in one pass over the goal's.
           LEFT JOIN LATERAL (
               SELECT json_agg(json_build_object(
                          'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', r.note,
                          'rated_by', r.rated_by, 'created_at', r.created_at
                      ) ORDER BY r.created_at, r.id) FILTER (WHERE r.rater = 'staff') AS staff,
                      json_agg(json_build_object(
                          'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', r.note,
                          'rated_by', 'client', 'created_at', r.created_at
                      ) ORDER BY r.created_at, r.id) FILTER (WHERE r.rater = 'client') AS client
               FROM goal_ratings r WHERE r.goal_id = g.id
           ) rated ON true
           WHERE g.plan_id = p.id
       ), '[]')::text AS goals,
       (SELECT json_build_object(
            'next_step', c.next_step, 'description', c.description,
            'target_date', c.target_date, 'updated_at', c.updated_at, 'version', c.version)::text
        FROM continuation_plans c WHERE c.plan_id = p.id) AS continuation,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', m.id, 'plan_id', m.plan_id, 'starts_at', m.starts_at,
               'ends_at', m.ends_at, 'timezone', m.timezone, 'location_name', m.location_name,
               'location_address', m.location_address, 'online_url', m.online_url,
               'status', m.status, 'revision', m.revision
           ) ORDER BY m.starts_at, m.id)
           FROM meetings m WHERE m.plan_id = p.id
       ), '[]')::text AS meetings
FROM plan p;

-- name: read_gas(viewers, ids, request_ids, raters)
-- What GAS summaries need, for reads that arrived together: for each (viewer, id,
-- request id, rater), numbered n from 1, if the viewer reaches the plan's client;
-- each audited by the same statement. The ratings scored are staff's, or the client's
-- own when the rater is 'client'. A plan not read has no row.
WITH asked AS (
    SELECT * FROM unnest(:viewers::uuid[], :ids::uuid[], :request_ids::text[], :raters::text[])
        WITH ORDINALITY AS a (viewer, id, request_id, rater, n)
), plan AS (
    SELECT a.n, a.viewer, a.request_id, a.rater, p.id, p.client_id
    FROM asked a JOIN plans p ON p.id = a.id
    WHERE can_reach_client(a.viewer, p.client_id)
), audited AS (
    INSERT INTO audit_events (actor_id, action, client_id, subject_type, subject_id, request_id)
    SELECT viewer, 'gas.read', client_id, 'plan', id::text, request_id FROM plan
    ORDER BY n
)
SELECT p.n, coalesce((
           SELECT json_agg(json_build_object(
               'id', g.id, 'weight', g.weight, 'baseline', g.baseline) ORDER BY g.position)
           FROM goals g WHERE g.plan_id = p.id
       ), '[]')::text AS goals,
       coalesce((
           SELECT json_agg(json_build_object(
               'goal_id', r.goal_id, 'level', r.level, 'rated_on', r.rated_on
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r JOIN goals g ON g.id = r.goal_id
           WHERE g.plan_id = p.id AND r.rater = p.rater
       ), '[]')::text AS ratings
FROM plan p;

-- name: lock_plan(id)^
SELECT id, client_id, version FROM plans WHERE id = :id FOR UPDATE;

-- name: client_plans(client_id, after_starts_on, after_id, limit)
-- Newest first; the cursor is the last plan's (starts_on, id).
SELECT p.id, p.client_id, p.kind, p.starts_on, p.ends_on, p.version,
       ARRAY(SELECT staff_id FROM plan_coaches c WHERE c.plan_id = p.id ORDER BY staff_id)
           AS coach_ids
FROM plans p
WHERE p.client_id = :client_id
  AND (p.starts_on, p.id) < (:after_starts_on, :after_id::uuid)
ORDER BY p.starts_on DESC, p.id DESC
LIMIT :limit;

-- name: may_edit_plan(viewer, plan_id)$
-- The plan's coaches, and admins of the client's organisation.
SELECT EXISTS (
    SELECT FROM plan_coaches WHERE plan_id = :plan_id AND staff_id = :viewer
) OR EXISTS (
    SELECT FROM plans p JOIN clients c ON c.id = p.client_id
    JOIN staff s ON s.id = :viewer AND s.organisation_id = c.organisation_id
    WHERE p.id = :plan_id AND 'admin' = ANY (s.roles)
);

-- name: update_plan(id, starts_on, ends_on)!
UPDATE plans
SET starts_on = :starts_on, ends_on = :ends_on, version = version + 1, updated_at = now()
WHERE id = :id;

-- Goals and ratings ---------------------------------------------------------------

-- name: insert_goal(plan_id, title, weight, baseline, levels, created_by)$
INSERT INTO goals (plan_id, position, title, weight, baseline, levels, created_by)
VALUES (:plan_id,
        (SELECT coalesce(max(position), 0) + 1 FROM goals WHERE plan_id = :plan_id),
        :title, :weight, :baseline, :levels, :created_by)
RETURNING id;

-- name: lock_goal(id)^
SELECT g.id, g.plan_id, g.version, p.client_id
FROM goals g JOIN plans p ON p.id = g.plan_id
WHERE g.id = :id
FOR UPDATE OF g;

-- name: goal_owner(id)^
SELECT g.id, g.plan_id, p.client_id FROM goals g JOIN plans p ON p.id = g.plan_id
WHERE g.id = :id;

-- name: update_goal(id, title, weight, levels)!
UPDATE goals
SET title = :title, weight = :weight, levels = :levels, version = version + 1,
    updated_at = now()
WHERE id = :id;

-- name: goal(id)^
-- A goal with its ratings, oldest first.
SELECT g.id, g.title, g.weight, g.baseline, g.levels, g.version,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', r.note,
               'rated_by', r.rated_by, 'created_at', r.created_at
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r WHERE r.goal_id = g.id AND r.rater = 'staff'
       ), '[]') AS ratings,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', r.note,
               'rated_by', 'client', 'created_at', r.created_at
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r WHERE r.goal_id = g.id AND r.rater = 'client'
       ), '[]') AS client_ratings
FROM goals g WHERE g.id = :id;

-- name: insert_rating(goal_id, level, rated_on, note, rated_by)^
INSERT INTO goal_ratings (goal_id, level, rated_on, note, rated_by)
VALUES (:goal_id, :level, :rated_on, :note, :rated_by)
RETURNING id, level, rated_on, note, rated_by, created_at;

-- Continuation -------------------------------------------------------------------------

-- name: continuation_version(plan_id)$
-- 0 while the plan has no continuation yet.
SELECT coalesce((SELECT version FROM continuation_plans WHERE plan_id = :plan_id), 0);

-- name: put_continuation(plan_id, next_step, description, target_date, updated_by)^
INSERT INTO continuation_plans (plan_id, next_step, description, target_date, updated_by)
VALUES (:plan_id, :next_step, :description, :target_date, :updated_by)
ON CONFLICT (plan_id) DO UPDATE SET
    next_step = EXCLUDED.next_step, description = EXCLUDED.description,
    target_date = EXCLUDED.target_date, updated_by = EXCLUDED.updated_by,
    updated_at = now(), version = continuation_plans.version + 1
RETURNING next_step, description, target_date, updated_at, version;

-- Meetings ---------------------------------------------------------------------------

-- name: insert_meeting(plan_id, starts_at, ends_at, location_name, location_address, online_url, created_by)$
INSERT INTO meetings (plan_id, starts_at, ends_at, location_name, location_address,
                      online_url, created_by)
VALUES (:plan_id, :starts_at, :ends_at, :location_name, :location_address, :online_url,
        :created_by)
RETURNING id;

-- name: meeting(id)^
SELECT m.id, m.plan_id, m.starts_at, m.ends_at, m.timezone, m.location_name,
       m.location_address, m.online_url, m.status, m.revision, p.client_id
FROM meetings m JOIN plans p ON p.id = m.plan_id
WHERE m.id = :id;

-- name: lock_meeting(id)^
SELECT m.id, m.plan_id, m.starts_at, m.ends_at, m.location_name, m.location_address,
       m.online_url, m.status, p.client_id
FROM meetings m JOIN plans p ON p.id = m.plan_id
WHERE m.id = :id
FOR UPDATE OF m;

-- name: update_meeting(id, starts_at, ends_at, location_name, location_address, online_url)!
UPDATE meetings
SET starts_at = :starts_at, ends_at = :ends_at, location_name = :location_name,
    location_address = :location_address, online_url = :online_url,
    revision = revision + 1, updated_at = now()
WHERE id = :id;

-- name: cancel_meeting(id, reason)!
UPDATE meetings
SET status = 'cancelled', cancellation_reason = :reason, revision = revision + 1,
    updated_at = now()
WHERE id = :id;

-- Notes ----------------------------------------------------------------------------------

-- name: insert_note(plan_id, body, author_id)^
INSERT INTO plan_notes (plan_id, body, author_id) VALUES (:plan_id, :body, :author_id)
RETURNING id, created_at;

-- name: plan_notes(plan_id, after_created_at, after_id, limit)
-- Newest first; the cursor is the last note's (created_at, id).
SELECT n.id, n.body, n.author_id, s.name AS author_name, n.created_at
FROM plan_notes n JOIN staff s ON s.id = n.author_id
WHERE n.plan_id = :plan_id
  AND (n.created_at, n.id) < (:after_created_at, :after_id::uuid)
ORDER BY n.created_at DESC, n.id DESC
LIMIT :limit;

-- Instruments and assessments ------------------------------------------------------------

-- name: add_instrument(key, version, definition, created_by)^
INSERT INTO instruments (key, version, definition, created_by)
VALUES (:key, :version, :definition, :created_by)
ON CONFLICT (key, version) DO NOTHING
RETURNING id;

-- name: list_instruments(every_version, after_key, after_version, limit)
-- The newest version of each instrument, or every version; by key, newest first.
SELECT key, version, definition FROM instruments i
WHERE (:every_version OR version = (SELECT max(version) FROM instruments j WHERE j.key = i.key))
  AND (key, -version) > (:after_key, -:after_version::int)
ORDER BY key, version DESC
LIMIT :limit;

-- name: latest_version(key)$
SELECT max(version) FROM instruments WHERE key = :key;

-- name: instrument(key, version)^
SELECT id, key, version, definition FROM instruments
WHERE key = :key AND (:version::int IS NULL OR version = :version)
ORDER BY version DESC
LIMIT 1;

-- name: insert_assessment(client_id, instrument_id, assessed_on, answers, scores, recorded_by)$
INSERT INTO assessments (client_id, instrument_id, assessed_on, answers, scores, recorded_by)
VALUES (:client_id, :instrument_id, :assessed_on, :answers, :scores, :recorded_by)
RETURNING id;

-- name: client_assessments(client_id, key, after_assessed_on, after_id, limit)
-- Oldest first, so each instrument's first assessment is the one changes count from.
SELECT a.id, a.client_id, i.key AS instrument, i.version AS instrument_version,
       a.assessed_on, a.answers, a.scores, a.answered_by, a.created_at
FROM assessments a JOIN instruments i ON i.id = a.instrument_id
WHERE a.client_id = :client_id AND (:key::text IS NULL OR i.key = :key)
  AND (a.assessed_on, a.id) > (:after_assessed_on, :after_id::uuid)
ORDER BY a.assessed_on, a.id
LIMIT :limit;

-- name: first_assessments(client_id, keys)
-- Each instrument's first assessment of the client: the baseline changes count from.
SELECT DISTINCT ON (i.key) i.key AS instrument, a.id, a.scores
FROM assessments a JOIN instruments i ON i.id = a.instrument_id
WHERE a.client_id = :client_id AND i.key = ANY (:keys::text[])
ORDER BY i.key, a.assessed_on, a.id;

-- name: assessment(id)^
SELECT a.id, a.client_id, i.key AS instrument, i.version AS instrument_version,
       a.assessed_on, a.answers, a.scores, a.answered_by, a.created_at
FROM assessments a JOIN instruments i ON i.id = a.instrument_id
WHERE a.id = :id;

-- Strengths CV -----------------------------------------------------------------------------

-- name: cv(client_id)^
SELECT client_id, summary, strengths, skills, experience, interests, updated_at, version
FROM strengths_cvs WHERE client_id = :client_id;

-- name: put_cv(client_id, summary, strengths, skills, experience, interests, updated_by)^
INSERT INTO strengths_cvs (client_id, summary, strengths, skills, experience, interests,
                           updated_by)
VALUES (:client_id, :summary, :strengths, :skills, :experience, :interests, :updated_by)
ON CONFLICT (client_id) DO UPDATE SET
    summary = EXCLUDED.summary, strengths = EXCLUDED.strengths, skills = EXCLUDED.skills,
    experience = EXCLUDED.experience, interests = EXCLUDED.interests,
    updated_by = EXCLUDED.updated_by, updated_at = now(),
    version = strengths_cvs.version + 1
RETURNING client_id, summary, strengths, skills, experience, interests, updated_at, version;

-- Pathway ------------------------------------------------------------------------------------

-- name: plan_pathway(client_id)
SELECT id, kind, starts_on, created_at FROM plans WHERE client_id = :client_id;

-- name: rating_pathway(client_id)
SELECT r.id, r.goal_id, g.title, r.level, r.rated_on, r.created_at
FROM goal_ratings r JOIN goals g ON g.id = r.goal_id JOIN plans p ON p.id = g.plan_id
WHERE p.client_id = :client_id AND r.rater = 'staff';

-- name: assessment_pathway(client_id)
SELECT a.id, i.key, i.version, a.assessed_on, a.created_at
FROM assessments a JOIN instruments i ON i.id = a.instrument_id
WHERE a.client_id = :client_id;

-- name: continuation_pathway(client_id)
SELECT c.plan_id, c.next_step, c.target_date, c.updated_at
FROM continuation_plans c JOIN plans p ON p.id = c.plan_id
WHERE p.client_id = :client_id;

-- name: client_name(client_id)^
SELECT first_name, last_name, language FROM clients WHERE id = :client_id;

-- What the client does with their own plans, on their page (client_side.py) ---------

-- name: insert_assessment_request(plan_id, client_id, instrument_id, requested_by)$
INSERT INTO assessment_requests (plan_id, client_id, instrument_id, requested_by)
VALUES (:plan_id, :client_id, :instrument_id, :requested_by)
RETURNING id;

-- name: assessment_request(id)^
SELECT q.id, q.plan_id, q.client_id, i.key AS instrument, i.version AS instrument_version,
       q.requested_by, q.requested_at,
       CASE WHEN q.assessment_id IS NULL THEN 'open' ELSE 'answered' END AS status,
       q.assessment_id
FROM assessment_requests q JOIN instruments i ON i.id = q.instrument_id
WHERE q.id = :id;

-- name: client_open_goals(client_id, today)
-- The goals of the client's open plans, each with the staff's ratings and the client's
-- own, oldest first.
SELECT g.id, g.plan_id, g.title, g.weight, g.baseline, g.levels, g.version,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', NULL,
               'rated_by', CASE WHEN r.rater = 'client' THEN 'client' ELSE 'staff' END,
               'created_at', r.created_at
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r WHERE r.goal_id = g.id AND r.rater = 'staff'
       ), '[]') AS ratings,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', r.id, 'level', r.level, 'rated_on', r.rated_on, 'note', NULL,
               'rated_by', 'client', 'created_at', r.created_at
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r WHERE r.goal_id = g.id AND r.rater = 'client'
       ), '[]') AS client_ratings
FROM goals g JOIN plans p ON p.id = g.plan_id
WHERE p.client_id = :client_id AND (p.ends_on IS NULL OR p.ends_on >= :today)
ORDER BY p.starts_on, p.id, g.position;

-- name: client_goal(client_id, goal_id, today)$
-- The goal, when it is on one of the client's open plans.
SELECT g.id FROM goals g JOIN plans p ON p.id = g.plan_id
WHERE g.id = :goal_id AND p.client_id = :client_id
  AND (p.ends_on IS NULL OR p.ends_on >= :today);

-- name: insert_client_rating(goal_id, level, rated_on)$
INSERT INTO goal_ratings (goal_id, level, rated_on, rater)
VALUES (:goal_id, :level, :rated_on, 'client')
RETURNING id;

-- name: client_requests(client_id)
-- What the client has been asked to fill in and has not yet, oldest first.
SELECT q.id, q.requested_at, i.id AS instrument_id, i.definition
FROM assessment_requests q JOIN instruments i ON i.id = q.instrument_id
WHERE q.client_id = :client_id AND q.assessment_id IS NULL
ORDER BY q.requested_at, q.id;

-- name: lock_client_request(client_id, id)^
SELECT q.id, q.assessment_id, i.id AS instrument_id, i.definition
FROM assessment_requests q JOIN instruments i ON i.id = q.instrument_id
WHERE q.id = :id AND q.client_id = :client_id
FOR UPDATE OF q;

-- name: insert_client_assessment(client_id, instrument_id, assessed_on, answers, scores)$
INSERT INTO assessments (client_id, instrument_id, assessed_on, answers, scores, answered_by)
VALUES (:client_id, :instrument_id, :assessed_on, :answers, :scores, 'client')
RETURNING id;

-- name: answer_request(id, assessment_id)!
UPDATE assessment_requests SET assessment_id = :assessment_id, answered_at = now()
WHERE id = :id;

-- name: plans_in_reach(viewer, mine, status, today, after_starts_on, after_id, limit)
-- Plans of the clients the viewer reaches (with mine, the plans they coach), newest
-- first, with what a list screen shows: the client's first name and surname initial,
-- the goals and the staff's ratings (to score GAS), the day of the last rating.
SELECT p.id, p.client_id, p.kind, p.starts_on, p.ends_on, p.version,
       c.first_name || ' ' || left(c.last_name, 1) || '.' AS client_name,
       ARRAY(SELECT staff_id FROM plan_coaches pc WHERE pc.plan_id = p.id ORDER BY staff_id)
           AS coach_ids,
       coalesce((
           SELECT json_agg(json_build_object(
               'id', g.id, 'weight', g.weight, 'baseline', g.baseline) ORDER BY g.position)
           FROM goals g WHERE g.plan_id = p.id
       ), '[]') AS goals,
       coalesce((
           SELECT json_agg(json_build_object(
               'goal_id', r.goal_id, 'level', r.level, 'rated_on', r.rated_on
           ) ORDER BY r.created_at, r.id)
           FROM goal_ratings r JOIN goals g ON g.id = r.goal_id
           WHERE g.plan_id = p.id AND r.rater = 'staff'
       ), '[]') AS ratings
FROM plans p
JOIN clients c ON c.id = p.client_id
WHERE (p.starts_on, p.id) < (:after_starts_on, :after_id::uuid)
  AND CASE WHEN :mine::boolean
           THEN p.id IN (SELECT pc.plan_id FROM plan_coaches pc WHERE pc.staff_id = :viewer)
           ELSE p.client_id IN (SELECT client_id FROM reachable_clients(:viewer)) END
  AND CASE :status::text
        WHEN 'open' THEN p.ends_on IS NULL OR p.ends_on >= :today
        WHEN 'ended' THEN p.ends_on < :today
        ELSE true END
  AND can_reach_client(:viewer, p.client_id)
ORDER BY p.starts_on DESC, p.id DESC
LIMIT :limit;
