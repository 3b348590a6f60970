-- name: day(viewer, period_start, period_end, record_since, overdue_before, left_since, first_day, today, stalled_clients)^
-- The work list but its stalled paths and questionnaire rounds (owned by their own
-- domains), in one statement: a round trip per section cost more than most sections'
-- lookups (bench/README, work list). Each section is a JSON array shaped as its type in
-- types.py; `names` gives the display name of every client in the sections and of
-- `stalled_clients` (first name and surname initial, what a list on a shared screen
-- shows). Every section is of clients the viewer reaches.
WITH
-- The viewer's groups' sessions in the period, and the held ones since `record_since`
-- whose attendance is not yet recorded for everyone enrolled: how many are left to
-- record, and the answers given on the clients' pages. Reach is asked once for all the
-- clients concerned (reachable_among), not per row.
mine AS (
    SELECT s.id, s.programme_id, p.title, s.number, p.weeks, s.starts_at, s.status
    FROM programme_staff ps
    JOIN programmes p ON p.id = ps.programme_id
    JOIN sessions s ON s.programme_id = p.id
    WHERE ps.staff_id = :viewer AND ps.role = 'facilitator' AND s.status = 'scheduled'
      AND ((s.starts_at >= :period_start AND s.starts_at < :period_end)
           OR (s.starts_at >= :record_since AND s.starts_at <= now()))
), enrolled AS (
    SELECT e.programme_id, e.client_id FROM enrolments e
    WHERE e.status = 'enrolled' AND e.programme_id IN (SELECT programme_id FROM mine)
), answered AS (
    SELECT r.session_id, r.client_id, r.answer, r.id FROM rsvps r
    WHERE r.session_id IN (SELECT id FROM mine)
), reached AS (
    SELECT client_id FROM reachable_among(:viewer, ARRAY(
        SELECT client_id FROM enrolled UNION SELECT client_id FROM answered))
), sessions AS (
    SELECT m.id, m.programme_id, m.title, m.number, m.weeks, m.starts_at,
           CASE WHEN m.starts_at <= now() THEN (
               SELECT count(*) FROM enrolled e
               WHERE e.programme_id = m.programme_id
                 AND e.client_id IN (SELECT client_id FROM reached)
                 AND NOT EXISTS (SELECT FROM attendance a
                                 WHERE a.session_id = m.id AND a.client_id = e.client_id))
           ELSE 0 END AS attendance_to_record,
           latest.coming, latest.not_coming
    FROM mine m
    CROSS JOIN LATERAL (
        SELECT count(*) FILTER (WHERE r.answer = 'coming') AS coming,
               count(*) FILTER (WHERE r.answer = 'not_coming') AS not_coming
        FROM (SELECT DISTINCT ON (a.client_id) a.answer FROM answered a
              WHERE a.session_id = m.id AND a.client_id IN (SELECT client_id FROM reached)
              ORDER BY a.client_id, a.id DESC) AS r
    ) AS latest
),
-- The coaching meetings of the viewer's plans in the period.
meetings AS (
    SELECT m.id, m.plan_id, pl.client_id, m.starts_at, m.status
    FROM plan_coaches pc
    JOIN plans pl ON pl.id = pc.plan_id
    JOIN meetings m ON m.plan_id = pl.id
    WHERE pc.staff_id = :viewer AND m.starts_at >= :period_start
      AND m.starts_at < :period_end AND can_reach_client(:viewer, pl.client_id)
),
-- Six-month follow-ups asked and unanswered for 14 days, of the viewer's own clients;
-- reach asked once for the clients found.
overdue AS (
    SELECT f.id, f.client_id, f.due_on, f.asked_at
    FROM client_workers w
    -- Looked up client by client (a client has one open follow-up at most): a join's
    -- plan for any parameters read every open follow-up in the county.
    CROSS JOIN LATERAL (
        SELECT f.id, f.client_id, f.due_on, f.asked_at FROM follow_ups f
        WHERE f.client_id = w.client_id AND f.status = 'asked'
          AND f.asked_at < :overdue_before
        LIMIT 1
    ) f
    WHERE w.staff_id = :viewer
), follow_ups AS (
    SELECT * FROM overdue
    WHERE client_id IN (SELECT client_id FROM reachable_among(:viewer, ARRAY(
        SELECT client_id FROM overdue)))
),
-- The viewer's own clients with an exit to record: who left a group (withdrawn, or the
-- group ended) since `left_since`, or whose coaching plan ended from `first_day` to
-- today, with no exit recorded since; the four weeks to record it are running. Their
-- waits are kept by the writes (open_paths): one index lookup per client for both
-- kinds. Reach is asked last, of the few found.
exit_due AS (
    SELECT DISTINCT ON (o.client_id, o.programme_id, o.plan_id)
           o.client_id, o.programme_id, o.plan_id, o.since
    FROM client_workers w
    JOIN open_paths o ON o.client_id = w.client_id
    WHERE w.staff_id = :viewer AND o.kind = 'exit_due'
      AND CASE WHEN o.plan_id IS NULL
               THEN o.since >= :left_since AND o.since <= now()
               ELSE o.since >= (:first_day)::timestamp AT TIME ZONE 'Europe/Helsinki'
                    AND o.since <= (:today)::timestamp AT TIME ZONE 'Europe/Helsinki'
          END
    ORDER BY o.client_id, o.programme_id, o.plan_id
), exits AS (
    SELECT d.client_id, d.programme_id, d.plan_id,
           (d.since AT TIME ZONE 'Europe/Helsinki')::date AS left_on,
           -- Looked up row by row: a few rows, where a join's plan for any parameters
           -- would read both tables whole.
           coalesce((SELECT p.title FROM programmes p WHERE p.id = d.programme_id),
                    (SELECT pl.kind FROM plans pl WHERE pl.id = d.plan_id)) AS title
    FROM exit_due d
    WHERE d.client_id IN (SELECT client_id FROM reachable_among(:viewer, ARRAY(
        SELECT client_id FROM exit_due)))
),
-- For an admin: their organisation's clients' access requests past their due day and
-- still unanswered (GDPR art. 15: one month).
late_access_requests AS (
    SELECT q.id, q.client_id, q.received_on, q.due_on
    FROM access_requests q
    JOIN clients c ON c.id = q.client_id
    JOIN staff s ON s.id = :viewer AND s.organisation_id = c.organisation_id
    WHERE q.answered_at IS NULL AND q.due_on < :today AND 'admin' = ANY (s.roles)
      AND s.active
    ORDER BY q.due_on, q.id
    LIMIT 100
),
-- The viewer's unread notices, to count those about clients in reach (asked once).
unread AS (
    SELECT client_id FROM notices WHERE staff_id = :viewer AND read_at IS NULL
), named AS (
    SELECT c.id, c.first_name || ' ' || left(c.last_name, 1) || '.' AS name
    FROM clients c
    WHERE c.id IN (SELECT client_id FROM meetings
                   UNION ALL SELECT client_id FROM follow_ups
                   UNION ALL SELECT client_id FROM exits
                   UNION ALL SELECT client_id FROM late_access_requests
                   UNION ALL SELECT unnest(:stalled_clients::uuid[]))
)
SELECT
    (SELECT coalesce(json_agg(s ORDER BY s.starts_at, s.id), '[]') FROM sessions s)
        AS sessions,
    (SELECT coalesce(json_agg(json_build_object(
                'id', m.id, 'plan_id', m.plan_id, 'client_id', m.client_id,
                'client_name', n.name, 'starts_at', m.starts_at, 'status', m.status)
            ORDER BY m.starts_at, m.id), '[]')
     FROM meetings m JOIN named n ON n.id = m.client_id) AS meetings,
    (SELECT coalesce(json_agg(json_build_object(
                'id', f.id, 'client_id', f.client_id, 'client_name', n.name,
                'due_on', f.due_on)
            ORDER BY f.asked_at, f.id), '[]')
     FROM follow_ups f JOIN named n ON n.id = f.client_id) AS follow_ups,
    -- Groups first, then plans by their end.
    (SELECT coalesce(json_agg(json_build_object(
                'client_id', x.client_id, 'client_name', n.name, 'left_on', x.left_on,
                'programme_id', x.programme_id, 'plan_id', x.plan_id, 'title', x.title)
            ORDER BY x.plan_id IS NOT NULL, CASE WHEN x.plan_id IS NOT NULL THEN x.left_on END,
                     x.plan_id, x.client_id, x.programme_id), '[]')
     FROM exits x JOIN named n ON n.id = x.client_id) AS exits_to_record,
    (SELECT count(*) FROM unread
     WHERE client_id IN (SELECT client_id FROM reachable_among(:viewer, ARRAY(
         SELECT client_id FROM unread)))) AS unread_notices,
    (SELECT coalesce(json_agg(json_build_object(
                'id', q.id, 'client_id', q.client_id, 'client_name', n.name,
                'received_on', q.received_on, 'due_on', q.due_on)
            ORDER BY q.due_on, q.id), '[]')
     FROM late_access_requests q JOIN named n ON n.id = q.client_id)
        AS late_access_requests,
    (SELECT coalesce(json_object_agg(n.id, n.name), '{}') FROM named n) AS names;
