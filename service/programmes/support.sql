-- Participant support: what a participant was given at a session, and the programme's list.

-- name: support_session(id)^
SELECT s.id, s.programme_id, s.starts_at, s.status
FROM sessions s
WHERE s.id = :id;

-- name: enrolled_at_session(session_id, client_id)$
-- Whether the client had a place in the session's programme at the time: enrolled, or
-- withdrawn only after the session began (as for attendance).
SELECT EXISTS (
    SELECT FROM sessions s
    JOIN enrolments e ON e.programme_id = s.programme_id
    WHERE s.id = :session_id AND e.client_id = :client_id
      AND (e.status = 'enrolled' OR (e.status = 'withdrawn' AND e.withdrawn_at > s.starts_at))
);

-- name: insert_support(programme_id, session_id, client_id, kind, amount_eur, note, given_by)$
INSERT INTO participant_support (programme_id, session_id, client_id, kind, amount_eur, note,
                                 given_by)
VALUES (:programme_id, :session_id, :client_id, :kind, :amount_eur, :note, :given_by)
RETURNING id;

-- name: support_entry(id)^
SELECT id, programme_id, session_id, client_id, kind, amount_eur, given_by
FROM participant_support
WHERE id = :id;

-- name: is_programme_admin(viewer, programme_id)$
-- An active admin of the programme's organisation or of the one managing it.
SELECT EXISTS (
    SELECT FROM programmes p
    JOIN organisations o ON o.id = p.organisation_id
    JOIN staff s ON s.id = :viewer AND s.active AND 'admin' = ANY (s.roles)
    WHERE p.id = :programme_id
      AND (s.organisation_id = o.id OR s.organisation_id = o.managed_by)
);

-- name: delete_support(id)!
DELETE FROM participant_support WHERE id = :id;

-- name: support_items(programme_id, viewer, ids, after_starts, after_id, limit)
-- The programme's entries about clients in the viewer's reach (or the ones named by
-- `ids`), by session time.
SELECT ps.id, ps.programme_id, ps.session_id, s.number AS session_number,
       (s.starts_at AT TIME ZONE p.timezone)::date AS session_date, s.starts_at,
       ps.client_id, c.first_name, c.last_name, ps.kind, ps.amount_eur, ps.note,
       ps.given_by, st.name AS given_by_name, ps.given_at
FROM participant_support ps
JOIN sessions s ON s.id = ps.session_id
JOIN programmes p ON p.id = ps.programme_id
JOIN clients c ON c.id = ps.client_id
JOIN staff st ON st.id = ps.given_by
WHERE ps.programme_id = :programme_id
  AND (:ids::uuid[] IS NULL OR ps.id = ANY (:ids::uuid[]))
  AND (s.starts_at, ps.id) > (:after_starts, :after_id::uuid)
  AND can_reach_client(:viewer, ps.client_id)
ORDER BY s.starts_at, ps.id
LIMIT :limit;

-- name: support_totals(programme_id, viewer)
-- Sums in numeric, by kind, over the same entries the viewer sees in the list; the
-- row with kind NULL is the grand total.
SELECT ps.kind, count(*) AS entries, count(DISTINCT ps.client_id) AS participants,
       coalesce(sum(ps.amount_eur), 0) AS amount_eur
FROM participant_support ps
WHERE ps.programme_id = :programme_id
  AND can_reach_client(:viewer, ps.client_id)
GROUP BY ROLLUP (ps.kind);
