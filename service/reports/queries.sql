-- Who may read --------------------------------------------------------------------------

-- name: programme_report_access(viewer, programme_id)$
-- 'exact' for the programme's facilitators and the admins of its organisation (or of the
-- one managing it) when their organisation may see every client the group ever had (its
-- own clients, and others' whose data_sharing consent covers it): they may see the people
-- anyway. 'suppressed' for them otherwise, and for that organisation's analysts. Null for
-- everyone else.
WITH viewer AS (
    SELECT s.*,
           EXISTS (
               SELECT FROM programme_staff
               WHERE programme_id = :programme_id AND staff_id = s.id AND role = 'facilitator'
           ) AS facilitates
    FROM staff s WHERE s.id = :viewer AND s.active
)
SELECT CASE
    WHEN NOT (v.roles && ARRAY['admin', 'coach', 'referrer'])
         OR NOT (v.facilitates OR 'admin' = ANY (v.roles))
        THEN CASE WHEN 'analyst' = ANY (v.roles) THEN 'suppressed' END
    WHEN EXISTS (
        SELECT FROM enrolments e JOIN clients c ON c.id = e.client_id
        WHERE e.programme_id = p.id AND c.organisation_id <> v.organisation_id
          AND NOT client_shared_with(c.id, v.organisation_id)
    ) THEN 'suppressed'
    ELSE 'exact'
END
FROM programmes p
JOIN organisations o ON o.id = p.organisation_id
JOIN viewer v ON v.organisation_id IN (o.id, o.managed_by) OR v.facilitates
WHERE p.id = :programme_id;

-- name: organisations_in_view(organisation_id)
-- An organisation and those it manages: what its admins and analysts report on.
SELECT id FROM organisations WHERE id = :organisation_id OR managed_by = :organisation_id
ORDER BY id;

-- Programme report ----------------------------------------------------------------------

-- name: programme(id)^
SELECT p.id, p.organisation_id, p.title, p.starts_at, p.ends_at, p.capacity,
       CASE WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN now() < p.starts_at THEN 'planned'
            WHEN now() < p.ends_at THEN 'running'
            ELSE 'completed' END AS status
FROM programmes p
WHERE p.id = :id;

-- name: programme_enrolment(programme_id)^
-- People, not rows: someone who left and came back counts once, as they are now.
WITH latest AS (
    SELECT DISTINCT ON (client_id) status, enrolled_at
    FROM enrolments
    WHERE programme_id = :programme_id
    ORDER BY client_id, created_at DESC
)
SELECT count(*) FILTER (WHERE enrolled_at IS NOT NULL) AS participants,
       count(*) FILTER (WHERE status = 'enrolled') AS enrolled,
       count(*) FILTER (WHERE status = 'withdrawn' AND enrolled_at IS NOT NULL) AS dropped_out,
       count(*) FILTER (WHERE status = 'waitlisted') AS waitlisted,
       count(*) FILTER (WHERE status = 'withdrawn' AND enrolled_at IS NULL)
           AS left_waiting_list
FROM latest;

-- name: dropout_reasons(programme_id)
-- Reasons of those who left after getting a place, as written (case and spacing aside).
WITH latest AS (
    SELECT DISTINCT ON (client_id) status, enrolled_at, withdrawal_reason
    FROM enrolments
    WHERE programme_id = :programme_id
    ORDER BY client_id, created_at DESC
)
SELECT min(btrim(withdrawal_reason)) AS reason, count(*) AS people
FROM latest
WHERE status = 'withdrawn' AND enrolled_at IS NOT NULL
GROUP BY lower(btrim(withdrawal_reason));

-- name: session_attendance(programme_id)
-- Each session's marks, and how many of those holding a place when it began have none.
SELECT s.id, s.number, s.starts_at, s.ends_at, s.theme, s.status,
       s.starts_at <> s.planned_starts_at AS moved,
       s.status = 'scheduled' AND s.starts_at <= now() AS held,
       count(a.client_id) FILTER (WHERE a.status = 'present') AS present,
       count(a.client_id) FILTER (WHERE a.status = 'remote') AS remote,
       count(a.client_id) FILTER (WHERE a.status = 'absent') AS absent,
       count(a.client_id) FILTER (WHERE a.status = 'excused') AS excused,
       (SELECT count(*) FROM enrolments e
        WHERE e.programme_id = s.programme_id AND e.enrolled_at <= s.starts_at
          AND (e.withdrawn_at IS NULL OR e.withdrawn_at > s.starts_at)
          AND NOT EXISTS (
              SELECT FROM attendance m WHERE m.session_id = s.id AND m.client_id = e.client_id
          )) AS unrecorded,
       (SELECT count(*) FROM session_workers w WHERE w.session_id = s.id) AS workers_present
FROM sessions s
LEFT JOIN attendance a ON a.session_id = s.id
WHERE s.programme_id = :programme_id
GROUP BY s.id
ORDER BY s.number;

-- Outcomes ------------------------------------------------------------------------------

-- Organisation-wide figures look rows up by the organisation's own programmes, coaches,
-- plans and clients (index lookups), so their cost follows the organisation's size,
-- not the size of the database.

-- name: cohort_enrolments(organisation_ids, period_start, period_end)
-- Places held in the organisations' groups during the period. `ended`: the group
-- ended within the period (and was not cancelled), so the place was completed or left.
SELECT e.id, e.client_id, e.status, e.enrolled_at, e.withdrawn_at,
       e.labour_market_status_at_entry, e.education_level_at_entry,
       p.cancelled_at IS NULL AND p.ends_at >= :period_start AND p.ends_at < :period_end
           AND p.ends_at <= now() AS ended,
       p.ends_at AS programme_ends_at, p.cancelled_at AS programme_cancelled_at
FROM programmes p
CROSS JOIN LATERAL (
    -- Each person's latest place in the group that was held within the period.
    SELECT DISTINCT ON (e.client_id) * FROM enrolments e
    WHERE e.programme_id = p.id AND e.enrolled_at IS NOT NULL AND e.enrolled_at < :period_end
      AND (e.withdrawn_at IS NULL OR e.withdrawn_at >= :period_start)
    ORDER BY e.client_id, e.created_at DESC
) e
WHERE p.organisation_id = ANY (:organisation_ids::uuid[])
  AND p.starts_at < :period_end AND p.ends_at > :period_start;

-- name: cohort_plans(organisation_ids, first_day, last_day)
-- Coaching plans by the organisations' coaches that ran in the period.
SELECT pl.id, pl.client_id, pl.starts_on, pl.ends_on,
       pl.labour_market_status_at_entry, pl.education_level_at_entry
FROM plans pl
WHERE pl.id = ANY (ARRAY(
        SELECT plan_id FROM plan_coaches
        WHERE staff_id = ANY (ARRAY(
            SELECT id FROM staff WHERE organisation_id = ANY (:organisation_ids::uuid[])
        ))
      ))
  AND pl.starts_on <= :last_day AND (pl.ends_on IS NULL OR pl.ends_on >= :first_day);

-- name: goal_levels(plan_ids, last_day)
-- Each goal's weight, baseline and level by the period's end (of two ratings on one
-- day, the later given), as staff rated it: the client's own ratings are not scored.
SELECT g.plan_id, g.weight, g.baseline, latest.level
FROM goals g
LEFT JOIN LATERAL (
    SELECT r.level FROM goal_ratings r
    WHERE r.goal_id = g.id AND r.rated_on <= :last_day AND r.rater = 'staff'
    ORDER BY r.rated_on DESC, r.created_at DESC
    LIMIT 1
) latest ON true
WHERE g.plan_id = ANY (:plan_ids::uuid[])
ORDER BY g.plan_id, g.position;

-- name: continuations(plan_ids)
SELECT plan_id, next_step, updated_at
FROM continuation_plans
WHERE plan_id = ANY (:plan_ids::uuid[]);

-- name: feedback_given(enrolment_ids)
-- One answer per enrolment: the feedback a coach recorded with the client, or else the
-- client's own answers to a named group-end feedback round of the programme (the
-- feedback recorded before questionnaires came moved into such rounds, migration 0035).
-- Anonymous rounds cannot be told apart per participant and count in their own results.
-- Looked up per enrolment, by index: a join to every answer in the database read them
-- all, more with every county (bench/README, the outcome report). The rounds are
-- looked in only where no feedback was recorded.
SELECT coalesce(k.got_support, a.got_support) AS got_support,
       coalesce(k.new_plans, a.new_plans) AS new_plans
FROM enrolments e
LEFT JOIN LATERAL (
    SELECT k.got_support, k.new_plans, true AS found
    FROM programme_feedback k
    WHERE k.enrolment_id = e.id
      AND k.programme_id = e.programme_id AND k.client_id = e.client_id
    LIMIT 1  -- one row by key anyway; keeps the lookup per enrolment (not a join)
) k ON true
LEFT JOIN LATERAL (
    SELECT (a.answers->>'got_support')::boolean AS got_support,
           (a.answers->>'new_plans')::boolean AS new_plans, true AS found
    FROM questionnaire_rounds r
    JOIN questionnaires q ON q.id = r.questionnaire_id AND q.key = 'group_end_feedback'
    JOIN questionnaire_answers a ON a.round_id = r.id AND a.client_id = e.client_id
    WHERE k.found IS NULL AND r.programme_id = e.programme_id
      AND a.answers ? 'got_support' AND a.answers ? 'new_plans'
    LIMIT 1
) a ON true
WHERE e.id = ANY (:enrolment_ids::uuid[]) AND (k.found OR a.found);

-- name: assessment_ends(client_ids, last_day)
-- Each client's first and latest domain scores with each instrument (all its versions),
-- by the period's end, where they were assessed at least twice. One pass over the
-- clients' assessments, the instruments joined once: asked client by client, they were
-- scanned again for every assessment (an NGO's year at 500,000 clients: 20 → 17 ms).
SELECT a.client_id, i.key,
       (array_agg(a.scores->'domains' ORDER BY a.assessed_on, a.created_at))[1] AS first,
       (array_agg(a.scores->'domains' ORDER BY a.assessed_on DESC, a.created_at DESC))[1]
           AS latest
FROM assessments a
JOIN instruments i ON i.id = a.instrument_id
WHERE a.client_id = ANY (:client_ids::uuid[]) AND a.assessed_on <= :last_day
GROUP BY a.client_id, i.key
HAVING count(*) >= 2
ORDER BY a.client_id, i.key;

-- name: organisation_referrals(organisation_ids, period_start, period_end)
-- Referrals made in the period that the organisations sent or received.
SELECT r.status, r.status_reason,
       (extract(epoch FROM r.answered_at - r.created_at) / 86400)::float8 AS days_to_answer,
       (extract(epoch FROM r.started_at - r.created_at) / 86400)::float8 AS days_to_start
FROM referrals r
WHERE (r.from_organisation_id = ANY (:organisation_ids::uuid[])
       OR r.to_organisation_id = ANY (:organisation_ids::uuid[]))
  AND r.created_at >= :period_start AND r.created_at < :period_end;

-- name: participant_rows(client_ids)
-- What the ESF+ participant export needs of each client record, with the situation
-- upon leaving (the latest exit) and six months on (the latest answered follow-up), and
-- the special-category entry answers (yes, no, declined; null when not asked), and
-- the home municipality with the non-disclosure mark that keeps it out.
SELECT c.id, c.gender, c.birth_date, s.upon_leaving, s.six_months,
       a.disability, a.minority, a.homelessness, c.home_municipality, c.non_disclosure
FROM clients c
CROSS JOIN LATERAL situations_of(c.id) AS s
LEFT JOIN esf_sensitive_answers a ON a.client_id = c.id
WHERE c.id = ANY (:client_ids::uuid[])
ORDER BY c.id;

-- name: situations(client_ids)
-- Each participant's situation upon leaving and six months on, and whether the
-- six-month question was asked.
SELECT c AS client_id, s.upon_leaving, s.six_months, s.asked
FROM unnest(:client_ids::uuid[]) AS c
CROSS JOIN LATERAL situations_of(c) AS s;
