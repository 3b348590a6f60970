-- What the client's page shows, read across clients, programmes, coaching and calendar.
-- No surname, no note, nobody else's name but the client's own workers.

-- name: client(client_id)^
SELECT c.first_name, c.language, c.plain_language, c.timezone,
       EXISTS (
           SELECT FROM consents k WHERE k.client_id = c.id AND k.purpose = 'calendar_feed'
           AND consent_is_valid(k, now())
       ) AS calendar_consent
FROM clients c
WHERE c.id = :client_id;

-- name: coming(client_id)
-- The sessions of the groups the client is enrolled in and the meetings of their plans
-- that have not ended, cancelled ones included, each with the client's latest answer.
SELECT 'session' AS kind, s.id, s.starts_at, s.ends_at, p.timezone, s.status,
       p.title, s.number, p.weeks, s.theme,
       coalesce(s.location_name, p.location_name) AS location_name,
       CASE WHEN s.location_name IS NULL THEN p.location_address
            ELSE s.location_address END AS location_address,
       coalesce(s.online_url, p.online_url) AS online_url,
       (SELECT r.answer FROM rsvps r WHERE r.session_id = s.id AND r.client_id = e.client_id
        ORDER BY r.id DESC LIMIT 1) AS answer
FROM enrolments e
JOIN programmes p ON p.id = e.programme_id
JOIN sessions s ON s.programme_id = p.id
WHERE e.client_id = :client_id AND e.status = 'enrolled' AND s.ends_at > now()
UNION ALL
SELECT 'meeting', m.id, m.starts_at, m.ends_at, m.timezone, m.status,
       NULL, NULL, NULL, NULL, m.location_name, m.location_address, m.online_url,
       (SELECT r.answer FROM rsvps r WHERE r.meeting_id = m.id AND r.client_id = pl.client_id
        ORDER BY r.id DESC LIMIT 1)
FROM plans pl
JOIN meetings m ON m.plan_id = pl.id
WHERE pl.client_id = :client_id AND m.ends_at > now()
ORDER BY starts_at, id
LIMIT 40;

-- name: memos(client_id)
-- The facilitators' memos of the latest meetings of the groups the client is enrolled
-- in (a memo names no client: service/programmes/memo_checks.py).
SELECT p.title, s.number, p.weeks, s.starts_at, s.ends_at, m.text
FROM enrolments e
JOIN programmes p ON p.id = e.programme_id
JOIN sessions s ON s.programme_id = p.id
JOIN session_memos m ON m.session_id = s.id
WHERE e.client_id = :client_id AND e.status = 'enrolled'
ORDER BY s.starts_at DESC, s.id
LIMIT 3;

-- name: contacts(client_id)
-- The client's responsible workers: whom to contact, at work.
SELECT st.name, st.phone, st.email
FROM client_workers w JOIN staff st ON st.id = w.staff_id
WHERE w.client_id = :client_id AND st.active
ORDER BY st.name, st.id;

-- name: answerable_session(client_id, session_id)^
-- A session of a group the client is enrolled in.
SELECT s.starts_at, s.status
FROM sessions s
JOIN enrolments e ON e.programme_id = s.programme_id
WHERE s.id = :session_id AND e.client_id = :client_id AND e.status = 'enrolled';

-- name: answerable_meeting(client_id, meeting_id)^
-- A meeting of one of the client's plans.
SELECT m.starts_at, m.status
FROM meetings m JOIN plans pl ON pl.id = m.plan_id
WHERE m.id = :meeting_id AND pl.client_id = :client_id;

-- name: session_exists(id)$
SELECT EXISTS (SELECT FROM sessions WHERE id = :id);

-- name: meeting_client(id)$
SELECT pl.client_id FROM meetings m JOIN plans pl ON pl.id = m.plan_id WHERE m.id = :id;

-- name: client_feed_hashes(client_id, hashes)
-- Of the hashes given, those calendar_feeds knows (live or not), and the client's live
-- feed whatever its hash. Two index lookups: an OR of the two would scan the table.
SELECT token_hash, revoked_at IS NULL AS live, client_id = :client_id AS own
FROM calendar_feeds
WHERE token_hash = ANY (:hashes::bytea[])
UNION
SELECT token_hash, true, true
FROM calendar_feeds
WHERE client_id = :client_id AND revoked_at IS NULL;

-- name: has_page_consent(client_id)$
-- A closed client relationship gives no new links, whatever the consents say.
SELECT EXISTS (
    SELECT FROM consents k
    WHERE k.client_id = :client_id AND k.purpose = 'client_page' AND consent_is_valid(k, now())
) AND NOT EXISTS (
    SELECT FROM clients c WHERE c.id = :client_id AND c.closed_at IS NOT NULL
);

-- name: insert_page_feed(token_hash, client_id, created_by, page_link_id)$
-- A feed link the page issues, tied to the page link (migration 0022).
INSERT INTO calendar_feeds (token_hash, client_id, created_by, page_link_id)
VALUES (:token_hash, :client_id, :created_by, :page_link_id)
RETURNING id;

-- The personal part (behind a one-time code) ---------------------------------------

-- name: code_channels(client_id)^
-- Where a one-time code may go: the client's own phone with an SMS consent, their own
-- e-mail with an e-mail consent.
SELECT c.phone IS NOT NULL AND EXISTS (
           SELECT FROM consents k WHERE k.client_id = c.id AND k.purpose = 'sms_reminders'
           AND consent_is_valid(k, now())
       ) AS sms,
       c.email IS NOT NULL AND EXISTS (
           SELECT FROM consents k WHERE k.client_id = c.id AND k.purpose = 'email_reminders'
           AND consent_is_valid(k, now())
       ) AS email
FROM clients c WHERE c.id = :client_id;

-- name: my_record(client_id)^
SELECT c.first_name, c.last_name, c.birth_date, c.home_municipality, c.email, c.phone,
       c.language, c.plain_language, c.timezone, c.created_at::date AS since,
       o.name AS organisation
FROM clients c JOIN organisations o ON o.id = c.organisation_id
WHERE c.id = :client_id;

-- name: my_consents(client_id)
SELECT purpose, given_at::date AS given_on, valid_until, revoked_at::date AS revoked_on,
       consent_is_valid(k, now()) AS valid
FROM consents k WHERE client_id = :client_id
ORDER BY given_at, id;

-- name: my_groups(client_id)
SELECT p.title, e.status, p.first_session_date AS starts_on
FROM enrolments e JOIN programmes p ON p.id = e.programme_id
WHERE e.client_id = :client_id
ORDER BY p.first_session_date, e.created_at;

-- name: my_plans(client_id)
SELECT p.kind, p.starts_on, p.ends_on,
       ARRAY(SELECT g.title FROM goals g WHERE g.plan_id = p.id ORDER BY g.position) AS goals
FROM plans p WHERE p.client_id = :client_id
ORDER BY p.starts_on, p.id;

-- name: my_referrals(client_id)
SELECT coalesce(s.name, pr.title) AS target, r.status, r.created_at::date AS referred_on
FROM referrals r
LEFT JOIN services s ON s.id = r.service_id
LEFT JOIN programmes pr ON pr.id = r.programme_id
WHERE r.client_id = :client_id
ORDER BY r.created_at, r.id;

-- name: my_assessments(client_id)
SELECT i.key AS instrument, i.definition -> 'name' AS name, a.assessed_on, a.answered_by
FROM assessments a JOIN instruments i ON i.id = a.instrument_id
WHERE a.client_id = :client_id
ORDER BY a.assessed_on, a.id;

-- name: my_viewers(client_id, limit)
-- Who among staff has read or changed the client's data, newest first.
SELECT e.occurred_at, s.name AS staff_name, o.name AS organisation, e.action
FROM audit_events e
JOIN staff s ON s.id = e.actor_id
JOIN organisations o ON o.id = s.organisation_id
WHERE e.client_id = :client_id AND e.outcome = 'ok'
ORDER BY e.id DESC
LIMIT :limit;

-- name: page_link_channels(client_id)^
-- How the client's page link could be sent: their address and number, the consents of
-- those channels, and their zone (an SMS waits out the client's night).
SELECT c.email, c.phone, c.timezone,
       EXISTS (SELECT FROM consents k WHERE k.client_id = c.id
               AND k.purpose = 'email_reminders' AND consent_is_valid(k, now())) AS email_ok,
       EXISTS (SELECT FROM consents k WHERE k.client_id = c.id
               AND k.purpose = 'sms_reminders' AND consent_is_valid(k, now())) AS sms_ok
FROM clients c
WHERE c.id = :client_id;

-- name: excusable_absences(session_id, viewer)
-- Clients in the viewer's reach, enrolled in the session's group then, whose latest
-- answer to the session was "I can't come", given before it started, and who are not
-- recorded as having come (no record yet, or absent).
SELECT r.client_id
FROM (
    SELECT DISTINCT ON (client_id) client_id, answer, answered_at
    FROM rsvps WHERE session_id = :session_id
    ORDER BY client_id, id DESC
) r
JOIN sessions s ON s.id = :session_id
LEFT JOIN attendance a ON a.session_id = s.id AND a.client_id = r.client_id
WHERE r.answer = 'not_coming' AND r.answered_at < s.starts_at
  AND (a.status IS NULL OR a.status = 'absent')
  AND EXISTS (
      SELECT FROM enrolments e
      WHERE e.programme_id = s.programme_id AND e.client_id = r.client_id
        AND (e.status = 'enrolled' OR (e.status = 'withdrawn' AND e.withdrawn_at > s.starts_at))
  )
  AND can_reach_client(:viewer, r.client_id)
ORDER BY r.client_id;
