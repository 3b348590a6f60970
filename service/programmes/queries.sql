-- Programmes ------------------------------------------------------------------

-- name: insert_programme(organisation_id, kind, title, description, first_session_date, start_time, duration_minutes, weeks, timezone, capacity, location_name, location_address, online_url, skip_public_holidays, reminder_offsets, starts_at, ends_at, created_by)$
INSERT INTO programmes (
    organisation_id, kind, title, description, first_session_date, start_time, duration_minutes,
    weeks, timezone, capacity, location_name, location_address, online_url,
    skip_public_holidays, reminder_offsets, starts_at, ends_at, created_by
) VALUES (
    :organisation_id, :kind, :title, :description, :first_session_date, :start_time,
    :duration_minutes, :weeks, :timezone, :capacity, :location_name, :location_address,
    :online_url, :skip_public_holidays, :reminder_offsets, :starts_at, :ends_at, :created_by
)
RETURNING id;

-- name: insert_sessions(programme_id, numbers, starts, ends, themes)!
INSERT INTO sessions (programme_id, number, starts_at, ends_at, planned_starts_at, theme)
SELECT :programme_id, number, starts_at, ends_at, starts_at, theme
FROM unnest(:numbers::int[], :starts::timestamptz[], :ends::timestamptz[], :themes::text[])
    AS planned (number, starts_at, ends_at, theme);

-- name: replace_programme_staff(programme_id, role, staff_ids)!
WITH removed AS (
    DELETE FROM programme_staff
    WHERE programme_id = :programme_id AND role = :role AND staff_id <> ALL (:staff_ids::uuid[])
)
INSERT INTO programme_staff (programme_id, staff_id, role)
SELECT :programme_id, staff_id, :role FROM unnest(:staff_ids::uuid[]) AS staff_id
ON CONFLICT DO NOTHING;

-- name: staff_with_role(ids, role)
SELECT id FROM staff WHERE id = ANY (:ids::uuid[]) AND active AND :role = ANY (roles);

-- name: programme(id)^
SELECT p.id, p.organisation_id, p.title, p.kind, p.description, p.first_session_date,
       to_char(p.start_time, 'HH24:MI') AS start_time, p.duration_minutes, p.weeks,
       p.timezone, p.capacity, p.location_name, p.location_address, p.online_url,
       p.skip_public_holidays, p.reminder_offsets, p.starts_at, p.ends_at,
       p.cancelled_at, p.cancellation_reason, p.created_at, p.updated_at,
       CASE WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN now() < p.starts_at THEN 'planned'
            WHEN now() < p.ends_at THEN 'running'
            ELSE 'completed' END AS status,
       (SELECT count(*) FROM enrolments e
        WHERE e.programme_id = p.id AND e.status = 'enrolled') AS enrolled_count,
       (SELECT count(*) FROM enrolments e
        WHERE e.programme_id = p.id AND e.status = 'waitlisted') AS waitlisted_count,
       ARRAY(SELECT staff_id FROM programme_staff s
             WHERE s.programme_id = p.id AND s.role = 'facilitator' ORDER BY staff_id)
           AS facilitator_ids,
       ARRAY(SELECT staff_id FROM programme_staff s
             WHERE s.programme_id = p.id AND s.role = 'contact' ORDER BY staff_id)
           AS contact_ids,
       ARRAY(SELECT staff_id FROM programme_staff s
             WHERE s.programme_id = p.id AND s.role = 'participant' ORDER BY staff_id)
           AS participant_ids
FROM programmes p
WHERE p.id = :id;

-- name: programme_sessions(programme_id)
SELECT id, number, starts_at, ends_at, planned_starts_at, theme, location_name,
       location_address, online_url, status, cancellation_reason, revision
FROM sessions
WHERE programme_id = :programme_id
ORDER BY number;

-- name: list_programmes(status, kind, organisation_id, period_start, period_end, after_start, after_id, limit)
-- Programmes whose sessions overlap [period_start, period_end), in start order.
SELECT p.id, p.organisation_id, p.title, p.kind, p.starts_at, p.ends_at, p.weeks, p.capacity,
       p.location_name, p.location_address, p.online_url,
       CASE WHEN p.cancelled_at IS NOT NULL THEN 'cancelled'
            WHEN now() < p.starts_at THEN 'planned'
            WHEN now() < p.ends_at THEN 'running'
            ELSE 'completed' END AS status,
       (SELECT count(*) FROM enrolments e
        WHERE e.programme_id = p.id AND e.status = 'enrolled') AS enrolled_count,
       (SELECT count(*) FROM enrolments e
        WHERE e.programme_id = p.id AND e.status = 'waitlisted') AS waitlisted_count
FROM programmes p
WHERE (p.starts_at, p.id) > (:after_start, :after_id::uuid)
  AND p.ends_at > :period_start
  AND p.starts_at < :period_end
  AND (:organisation_id::uuid IS NULL OR p.organisation_id = :organisation_id)
  AND (:kind::text IS NULL OR p.kind = :kind)
  AND CASE :status::text
        WHEN 'cancelled' THEN p.cancelled_at IS NOT NULL
        WHEN 'planned' THEN p.cancelled_at IS NULL AND now() < p.starts_at
        WHEN 'running' THEN p.cancelled_at IS NULL AND now() >= p.starts_at AND now() < p.ends_at
        WHEN 'completed' THEN p.cancelled_at IS NULL AND now() >= p.ends_at
        ELSE true END
ORDER BY p.starts_at, p.id
LIMIT :limit;

-- name: lock_programme(id)^
SELECT id, organisation_id, capacity, timezone, cancelled_at, ends_at,
       location_name, location_address, online_url
FROM programmes
WHERE id = :id
FOR UPDATE;

-- name: manages_programme(viewer, programme_id)$
-- Facilitators, and admins of the owning organisation or of the one managing it, while
-- their account is active and has a role that works with clients.
SELECT EXISTS (
    SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
    WHERE ps.programme_id = :programme_id AND ps.staff_id = :viewer
      AND ps.role = 'facilitator'
      AND s.active AND s.roles && ARRAY['admin', 'coach', 'referrer']
) OR EXISTS (
    SELECT FROM programmes p
    JOIN organisations o ON o.id = p.organisation_id
    JOIN staff s ON s.id = :viewer AND s.active AND 'admin' = ANY (s.roles)
    WHERE p.id = :programme_id
      AND (s.organisation_id = o.id OR s.organisation_id = o.managed_by)
);

-- name: is_programme_contact(viewer, programme_id)$
SELECT EXISTS (
    SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
    WHERE ps.programme_id = :programme_id AND ps.staff_id = :viewer AND ps.role = 'contact'
      AND s.active AND s.roles && ARRAY['admin', 'coach', 'referrer']
);

-- name: update_programme(id, fields)!
UPDATE programmes SET
    title = CASE WHEN :fields ? 'title' THEN :fields->>'title' ELSE title END,
    description = CASE WHEN :fields ? 'description' THEN :fields->>'description' ELSE description END,
    capacity = CASE WHEN :fields ? 'capacity' THEN (:fields->>'capacity')::int ELSE capacity END,
    location_name = CASE WHEN :fields ? 'location' THEN :fields->'location'->>'name' ELSE location_name END,
    location_address = CASE WHEN :fields ? 'location' THEN :fields->'location'->>'address' ELSE location_address END,
    online_url = CASE WHEN :fields ? 'online_url' THEN :fields->>'online_url' ELSE online_url END,
    reminder_offsets = CASE WHEN :fields ? 'reminder_offsets'
        THEN ARRAY(SELECT jsonb_array_elements_text(:fields->'reminder_offsets'))
        ELSE reminder_offsets END,
    updated_at = now()
WHERE id = :id;

-- name: touch_future_sessions(programme_id, changed_by, changes)!
-- The programme's own place or link changed (changes: {"field": [before, after]}):
-- the future sessions that use it change too, and their history says so.
WITH touched AS (
    UPDATE sessions SET revision = revision + 1, updated_at = now()
    WHERE programme_id = :programme_id AND status = 'scheduled' AND starts_at > now()
      AND ((location_name IS NULL
            AND :changes::jsonb ?| ARRAY['location_name', 'location_address'])
           OR (online_url IS NULL AND :changes::jsonb ? 'online_url'))
    RETURNING id, location_name IS NULL AS uses_place, online_url IS NULL AS uses_link
)
INSERT INTO session_changes (session_id, changed_by, changes)
SELECT id, :changed_by,
       :changes::jsonb
       - CASE WHEN uses_place THEN '{}'::text[]
              ELSE ARRAY['location_name', 'location_address'] END
       - CASE WHEN uses_link THEN '{}'::text[] ELSE ARRAY['online_url'] END
FROM touched;

-- name: refresh_programme_period(programme_id)!
UPDATE programmes p SET starts_at = period.starts_at, ends_at = period.ends_at
FROM (
    SELECT min(starts_at) AS starts_at, max(ends_at) AS ends_at
    FROM sessions WHERE programme_id = :programme_id AND status = 'scheduled'
) AS period
WHERE p.id = :programme_id AND period.starts_at IS NOT NULL;

-- name: bump_ical_sequence(id)!
UPDATE programmes SET ical_sequence = ical_sequence + 1, updated_at = now() WHERE id = :id;

-- name: cancel_programme(id, cancelled_by, reason)!
UPDATE programmes
SET cancelled_at = now(), cancelled_by = :cancelled_by, cancellation_reason = :reason,
    updated_at = now()
WHERE id = :id;

-- name: cancel_future_sessions(programme_id, reason)
UPDATE sessions
SET status = 'cancelled', cancellation_reason = :reason, revision = revision + 1,
    updated_at = now()
WHERE programme_id = :programme_id AND status = 'scheduled' AND starts_at > now()
RETURNING id;

-- Sessions ---------------------------------------------------------------------

-- name: lock_session(id)^
SELECT s.id, s.programme_id, s.number, s.starts_at, s.ends_at, s.theme, s.location_name,
       s.location_address, s.online_url, s.status, s.revision, p.timezone
FROM sessions s JOIN programmes p ON p.id = s.programme_id
WHERE s.id = :id
FOR UPDATE OF s;

-- name: update_session(id, starts_at, ends_at, theme, location_name, location_address, online_url)!
UPDATE sessions
SET starts_at = :starts_at, ends_at = :ends_at, theme = :theme,
    location_name = :location_name, location_address = :location_address,
    online_url = :online_url, revision = revision + 1, updated_at = now()
WHERE id = :id;

-- name: cancel_session(id, reason)!
UPDATE sessions
SET status = 'cancelled', cancellation_reason = :reason, revision = revision + 1,
    updated_at = now()
WHERE id = :id;

-- name: record_session_change(session_id, changed_by, changes, reason)!
INSERT INTO session_changes (session_id, changed_by, changes, reason)
VALUES (:session_id, :changed_by, :changes, :reason);

-- name: session_changes(session_id, after_id, limit)
SELECT c.id, c.changed_at, c.changed_by, s.name AS changed_by_name, c.changes, c.reason
FROM session_changes c
LEFT JOIN staff s ON s.id = c.changed_by
WHERE c.session_id = :session_id AND c.id > :after_id
ORDER BY c.id
LIMIT :limit;

-- name: session(id)^
SELECT id, programme_id, number, starts_at, ends_at, planned_starts_at, theme, location_name,
       location_address, online_url, status, cancellation_reason, revision
FROM sessions
WHERE id = :id;

-- Enrolment ----------------------------------------------------------------------

-- name: is_referral_to(id, client_id, programme_id)$
SELECT EXISTS (
    SELECT FROM referrals
    WHERE id = :id AND client_id = :client_id AND programme_id = :programme_id
);

-- name: live_enrolment(programme_id, client_id)$
SELECT id FROM enrolments
WHERE programme_id = :programme_id AND client_id = :client_id AND status <> 'withdrawn';

-- name: enrolment_counts(programme_id)^
SELECT count(*) FILTER (WHERE status = 'enrolled') AS enrolled,
       coalesce(max(waitlist_position), 0) AS last_position
FROM enrolments
WHERE programme_id = :programme_id AND status <> 'withdrawn';

-- name: insert_enrolment(programme_id, client_id, referral_id, status, waitlist_position, created_by)^
INSERT INTO enrolments (programme_id, client_id, referral_id, status, waitlist_position,
                        created_by, enrolled_at)
VALUES (:programme_id, :client_id, :referral_id, :status, :waitlist_position, :created_by,
        CASE WHEN :status = 'enrolled' THEN now() END)
RETURNING id, programme_id, client_id, status, waitlist_position, referral_id, created_at,
          enrolled_at, withdrawn_at, withdrawal_reason;

-- name: enrolment(id)^
SELECT id, programme_id, client_id, status, waitlist_position, referral_id, created_at,
       enrolled_at, withdrawn_at, withdrawal_reason
FROM enrolments
WHERE id = :id;

-- name: withdraw_enrolment(id, withdrawn_by, reason)^
UPDATE enrolments
SET status = 'withdrawn', waitlist_position = NULL, withdrawn_at = now(),
    withdrawn_by = :withdrawn_by, withdrawal_reason = :reason
WHERE id = :id
RETURNING id, programme_id, client_id, status, waitlist_position, referral_id, created_at,
          enrolled_at, withdrawn_at, withdrawal_reason;

-- name: close_waitlist_gap(programme_id, position)!
UPDATE enrolments SET waitlist_position = waitlist_position - 1
WHERE programme_id = :programme_id AND status = 'waitlisted' AND waitlist_position > :position;

-- name: promote_first_waitlisted(programme_id)^
UPDATE enrolments
SET status = 'enrolled', waitlist_position = NULL, enrolled_at = now()
WHERE id = (
    SELECT id FROM enrolments
    WHERE programme_id = :programme_id AND status = 'waitlisted'
    ORDER BY waitlist_position
    LIMIT 1
)
RETURNING id, client_id;

-- name: list_enrolments(programme_id, viewer, after_name, after_id, limit)
-- The group as the viewer may see it: only the clients in their reach (a facilitator
-- reaches everyone enrolled or waiting, within their organisation or with consent).
SELECT e.id, e.programme_id, e.client_id, e.status, e.waitlist_position, e.referral_id,
       e.created_at, e.enrolled_at, e.withdrawn_at, e.withdrawal_reason,
       c.first_name || ' ' || c.last_name AS client_name, c.sort_name
FROM enrolments e
JOIN clients c ON c.id = e.client_id
WHERE e.programme_id = :programme_id
  AND can_reach_client(:viewer, e.client_id)
  AND (c.sort_name, e.id) > (:after_name, :after_id::uuid)
ORDER BY c.sort_name, e.id
LIMIT :limit;

-- Attendance ---------------------------------------------------------------------

-- name: attendable_clients(session_id, viewer, client_ids)
-- Of the given clients, those enrolled in the session's programme at the time and in
-- the viewer's reach.
SELECT e.client_id
FROM sessions s
JOIN enrolments e ON e.programme_id = s.programme_id
WHERE s.id = :session_id
  AND e.client_id = ANY (:client_ids::uuid[])
  AND (e.status = 'enrolled' OR (e.status = 'withdrawn' AND e.withdrawn_at > s.starts_at))
  AND can_reach_client(:viewer, e.client_id);

-- name: replace_attendance(session_id, client_ids, statuses, recorded_by, only_named)
-- The part of the session's attendance the recorder reaches becomes exactly these
-- records (the records of clients they do not see stay as they are), or with
-- `only_named` just the named records change; returns the clients whose record changed
-- or went away.
WITH given AS (
    SELECT client_id, status
    FROM unnest(:client_ids::uuid[], :statuses::text[]) AS given (client_id, status)
), removed AS (
    DELETE FROM attendance a
    WHERE NOT :only_named AND a.session_id = :session_id
      AND a.client_id <> ALL (:client_ids::uuid[])
      AND can_reach_client(:recorded_by, a.client_id)
    RETURNING a.client_id
), written AS (
    INSERT INTO attendance (session_id, client_id, status, recorded_by)
    SELECT :session_id, client_id, status, :recorded_by FROM given
    ON CONFLICT (session_id, client_id) DO UPDATE
        SET status = EXCLUDED.status, recorded_by = EXCLUDED.recorded_by, recorded_at = now()
        WHERE attendance.status <> EXCLUDED.status
    RETURNING client_id
)
SELECT client_id FROM removed UNION SELECT client_id FROM written;

-- name: session_attendance(session_id, viewer)
-- The session's records of the clients in the viewer's reach.
SELECT a.client_id, a.status, a.recorded_at, a.recorded_by
FROM attendance a
WHERE a.session_id = :session_id AND can_reach_client(:viewer, a.client_id)
ORDER BY a.client_id;

-- name: absence_histories(programme_id, client_ids)
-- Each client's record for every session held so far, in order (null: none recorded).
SELECT c.client_id, s.id AS session_id, s.starts_at, a.status
FROM unnest(:client_ids::uuid[]) AS c (client_id)
CROSS JOIN sessions s
LEFT JOIN attendance a ON a.session_id = s.id AND a.client_id = c.client_id
WHERE s.programme_id = :programme_id AND s.status = 'scheduled' AND s.starts_at <= now()
ORDER BY c.client_id, s.starts_at;

-- name: open_attention_flags(programme_id, client_ids, since, details)!
INSERT INTO attention_flags (client_id, programme_id, reason, since, details)
SELECT client_id, :programme_id, 'repeated_absence', since, details
FROM unnest(:client_ids::uuid[], :since::timestamptz[], :details::jsonb[])
    AS flag (client_id, since, details)
ON CONFLICT (client_id, programme_id, reason) WHERE resolved_at IS NULL DO NOTHING;

-- name: resolve_attention_flags(programme_id, client_ids)!
UPDATE attention_flags SET resolved_at = now()
WHERE programme_id = :programme_id AND client_id = ANY (:client_ids::uuid[])
  AND reason = 'repeated_absence' AND resolved_at IS NULL;

-- name: attention_for_worker(viewer, after_since, after_id, limit)
-- Open flags on the clients this worker answers for, newest first.
SELECT f.id, f.client_id, c.first_name || ' ' || c.last_name AS client_name,
       f.programme_id, p.title AS programme_title, f.reason, f.since, f.details
FROM attention_flags f
JOIN client_workers w ON w.client_id = f.client_id AND w.staff_id = :viewer
JOIN clients c ON c.id = f.client_id
JOIN programmes p ON p.id = f.programme_id
WHERE f.resolved_at IS NULL AND can_reach_client(:viewer, f.client_id)
  AND (f.since, f.id) < (:after_since, :after_id::uuid)
ORDER BY f.since DESC, f.id DESC
LIMIT :limit;

-- Pathway ----------------------------------------------------------------------

-- name: enrolment_pathway(client_id)
SELECT e.id, e.status, e.created_at, e.enrolled_at, e.withdrawn_at, e.withdrawal_reason,
       p.id AS programme_id, p.title
FROM enrolments e JOIN programmes p ON p.id = e.programme_id
WHERE e.client_id = :client_id;

-- name: attendance_pathway(client_id)
SELECT a.session_id, a.status, s.starts_at, s.number, p.title, p.id AS programme_id
FROM attendance a
JOIN sessions s ON s.id = a.session_id
JOIN programmes p ON p.id = s.programme_id
WHERE a.client_id = :client_id;

-- name: feedback_pathway(client_id)
SELECT f.enrolment_id, f.got_support, f.new_plans, f.recorded_at, p.id AS programme_id, p.title
FROM programme_feedback f
JOIN programmes p ON p.id = f.programme_id
WHERE f.client_id = :client_id;

-- Feedback at the end of a group -------------------------------------------------------

-- name: feedback_target(enrolment_id)^
SELECT e.id, e.programme_id, e.client_id, e.enrolled_at,
       p.cancelled_at IS NULL AND p.starts_at <= now() AS started
FROM enrolments e
JOIN programmes p ON p.id = e.programme_id
WHERE e.id = :enrolment_id;

-- name: save_feedback(enrolment_id, programme_id, client_id, got_support, new_plans, comment, recorded_by)^
INSERT INTO programme_feedback
    (enrolment_id, programme_id, client_id, got_support, new_plans, comment, recorded_by)
VALUES (:enrolment_id, :programme_id, :client_id, :got_support, :new_plans, :comment,
        :recorded_by)
ON CONFLICT (enrolment_id) DO UPDATE SET
    got_support = EXCLUDED.got_support, new_plans = EXCLUDED.new_plans,
    comment = EXCLUDED.comment, recorded_by = EXCLUDED.recorded_by, recorded_at = now()
RETURNING enrolment_id, programme_id, client_id, got_support, new_plans, comment,
          recorded_by, recorded_at;

-- name: feedback(enrolment_id)^
SELECT enrolment_id, programme_id, client_id, got_support, new_plans, comment, recorded_by,
       recorded_at
FROM programme_feedback
WHERE enrolment_id = :enrolment_id;

-- Staff participants, memos, workers present -----------------------------------------

-- name: programme_kind(id)$
SELECT kind FROM programmes WHERE id = :id;

-- name: staff_member(id)^
-- An active staff member with a role that works with clients (the people who take
-- part in a group or come to its meetings).
SELECT id, name, organisation_id FROM staff
WHERE id = :id AND active AND roles && ARRAY['admin', 'coach', 'referrer'];

-- name: programme_roles(programme_id, staff_id)
SELECT role FROM programme_staff WHERE programme_id = :programme_id AND staff_id = :staff_id;

-- name: add_programme_staff(programme_id, staff_id, role)!
INSERT INTO programme_staff (programme_id, staff_id, role)
VALUES (:programme_id, :staff_id, :role)
ON CONFLICT DO NOTHING;

-- name: remove_programme_staff(programme_id, staff_id, role)$
WITH removed AS (
    DELETE FROM programme_staff
    WHERE programme_id = :programme_id AND staff_id = :staff_id AND role = :role
    RETURNING 1
)
SELECT count(*) FROM removed;

-- name: drop_participants(programme_id, staff_ids)!
DELETE FROM programme_staff
WHERE programme_id = :programme_id AND role = 'participant'
  AND staff_id = ANY (:staff_ids::uuid[]);

-- name: programme_participants(programme_id, after_name, after_id, limit)
SELECT s.id AS staff_id, s.name, s.organisation_id
FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
WHERE ps.programme_id = :programme_id AND ps.role = 'participant'
  AND (s.name, s.id) > (:after_name, :after_id::uuid)
ORDER BY s.name, s.id
LIMIT :limit;

-- name: takes_part(viewer, programme_id)$
-- The programme's facilitators, contacts and staff participants while their account is
-- active: the people a session's memo and its workers are shared with.
SELECT EXISTS (
    SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
    WHERE ps.programme_id = :programme_id AND ps.staff_id = :viewer AND s.active
);

-- name: group_people(programme_id)
-- The names of everyone who ever held or waited for a place in the group: a memo must
-- not name any of them in full.
SELECT DISTINCT c.first_name, c.last_name
FROM enrolments e JOIN clients c ON c.id = e.client_id
WHERE e.programme_id = :programme_id AND c.first_name IS NOT NULL AND c.last_name IS NOT NULL;

-- name: put_memo(session_id, text, written_by)!
INSERT INTO session_memos (session_id, text, written_by)
VALUES (:session_id, :text, :written_by)
ON CONFLICT (session_id)
DO UPDATE SET text = EXCLUDED.text, written_by = EXCLUDED.written_by, written_at = now();

-- name: memo(session_id)^
SELECT m.session_id, s.programme_id, m.text, m.written_by, m.written_at
FROM session_memos m JOIN sessions s ON s.id = m.session_id
WHERE m.session_id = :session_id;

-- name: replace_session_workers(session_id, staff_ids, recorded_by)!
WITH removed AS (
    DELETE FROM session_workers
    WHERE session_id = :session_id AND staff_id <> ALL (:staff_ids::uuid[])
)
INSERT INTO session_workers (session_id, staff_id, recorded_by)
SELECT :session_id, staff_id, :recorded_by FROM unnest(:staff_ids::uuid[]) AS staff_id
ON CONFLICT DO NOTHING;

-- name: session_workers(session_id)
SELECT s.id AS staff_id, s.name, s.organisation_id
FROM session_workers w JOIN staff s ON s.id = w.staff_id
WHERE w.session_id = :session_id
ORDER BY s.name, s.id;

-- name: workers_to_record(ids)
SELECT id FROM staff WHERE id = ANY (:ids::uuid[]) AND active
  AND roles && ARRAY['admin', 'coach', 'referrer'];
