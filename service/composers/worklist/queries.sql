-- name: sessions(viewer, period_start, period_end, record_since)
-- The viewer's groups' sessions in the period, and the held ones since `record_since`
-- whose attendance is not yet recorded for everyone enrolled: how many are left to
-- record, and the answers given on the clients' pages (of clients the viewer reaches).
-- Reach is asked once for all the clients concerned (reachable_among), not per row.
WITH mine AS (
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
)
SELECT m.id, m.programme_id, m.title, m.number, m.weeks, m.starts_at, m.status,
       CASE WHEN m.starts_at <= now() THEN (
           SELECT count(*) FROM enrolled e
           WHERE e.programme_id = m.programme_id
             AND e.client_id IN (SELECT client_id FROM reached)
             AND NOT EXISTS (SELECT FROM attendance a
                             WHERE a.session_id = m.id AND a.client_id = e.client_id))
       ELSE 0 END AS to_record,
       latest.coming, latest.not_coming
FROM mine m
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE r.answer = 'coming') AS coming,
           count(*) FILTER (WHERE r.answer = 'not_coming') AS not_coming
    FROM (SELECT DISTINCT ON (a.client_id) a.answer FROM answered a
          WHERE a.session_id = m.id AND a.client_id IN (SELECT client_id FROM reached)
          ORDER BY a.client_id, a.id DESC) AS r
) AS latest
ORDER BY m.starts_at, m.id;

-- name: meetings(viewer, period_start, period_end)
-- The coaching meetings of the viewer's plans in the period, with clients they reach.
SELECT m.id, m.plan_id, pl.client_id, m.starts_at, m.ends_at, m.status, m.online_url,
       m.location_name
FROM plan_coaches pc
JOIN plans pl ON pl.id = pc.plan_id
JOIN meetings m ON m.plan_id = pl.id
WHERE pc.staff_id = :viewer AND m.starts_at >= :period_start AND m.starts_at < :period_end
  AND can_reach_client(:viewer, pl.client_id)
ORDER BY m.starts_at, m.id;

-- name: follow_ups_waiting(viewer, overdue_before)
-- Six-month follow-ups asked and unanswered for 14 days, of the viewer's own clients.
SELECT f.id, f.client_id, f.due_on, f.asked_at
FROM client_workers w
JOIN follow_ups f ON f.client_id = w.client_id
WHERE w.staff_id = :viewer AND f.status = 'asked' AND f.asked_at < :overdue_before
  AND can_reach_client(:viewer, f.client_id)
ORDER BY f.asked_at, f.id;

-- name: exits_to_record(viewer, left_since)
-- The viewer's own clients who left a group (withdrawn, or the group ended) since
-- `left_since` with no exit recorded since: the four weeks to record it are running.
-- Their waits are kept by the writes (open_paths): one index lookup per client. Reach
-- is asked last, of the few found.
WITH left_groups AS (
    SELECT DISTINCT ON (o.client_id, o.programme_id) o.client_id, o.programme_id,
           p.title, o.since AS left_at
    FROM client_workers w
    JOIN open_paths o ON o.client_id = w.client_id
    JOIN programmes p ON p.id = o.programme_id
    WHERE w.staff_id = :viewer AND o.kind = 'exit_due'
      AND o.since >= :left_since AND o.since <= now()
    ORDER BY o.client_id, o.programme_id
)
SELECT * FROM left_groups
WHERE client_id IN (SELECT client_id FROM reachable_among(:viewer, ARRAY(
    SELECT client_id FROM left_groups)))
ORDER BY client_id, programme_id;

-- name: unread_notices(viewer)$
SELECT count(*) FROM notices n
WHERE n.staff_id = :viewer AND n.read_at IS NULL AND can_reach_client(:viewer, n.client_id);

-- name: display_names(client_ids)
-- First name and surname initial: what a list on a shared screen shows of a client.
SELECT id, first_name || ' ' || left(last_name, 1) || '.' AS name
FROM clients WHERE id = ANY (:client_ids::uuid[]);

-- name: plans_ended(viewer, first_day, today)
-- The viewer's own clients whose coaching plan ended from `first_day` to today with no
-- exit recorded since: as after a group, the four weeks to record it are running.
-- Looked up client by client in their waits (open_paths), as exits are.
WITH ended AS (
    SELECT o.client_id, pl.id AS plan_id, pl.kind, pl.ends_on
    FROM client_workers w
    JOIN open_paths o ON o.client_id = w.client_id
    JOIN plans pl ON pl.id = o.plan_id
    WHERE w.staff_id = :viewer AND o.kind = 'exit_due'
      AND o.since >= (:first_day)::timestamp AT TIME ZONE 'Europe/Helsinki'
      AND o.since <= (:today)::timestamp AT TIME ZONE 'Europe/Helsinki'
)
SELECT * FROM ended
WHERE client_id IN (SELECT client_id FROM reachable_among(:viewer, ARRAY(
    SELECT client_id FROM ended)))
ORDER BY ends_on, plan_id;

-- name: late_access_requests(viewer, today)
-- For an admin: their organisation's clients' access requests past their due day and
-- still unanswered (GDPR art. 15: one month).
SELECT q.id, q.client_id, q.received_on, q.due_on
FROM access_requests q
JOIN clients c ON c.id = q.client_id
JOIN staff s ON s.id = :viewer AND s.organisation_id = c.organisation_id
WHERE q.answered_at IS NULL AND q.due_on < :today AND 'admin' = ANY (s.roles) AND s.active
ORDER BY q.due_on, q.id
LIMIT 100;
