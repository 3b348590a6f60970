-- Page links and the answers given on the page.

-- name: revoke_links(client_id)!
UPDATE client_page_links SET revoked_at = now()
WHERE client_id = :client_id AND revoked_at IS NULL;

-- name: insert_link(client_id, token_hash, created_by, expires_at)$
INSERT INTO client_page_links (client_id, token_hash, created_by, expires_at)
VALUES (:client_id, :token_hash, :created_by, :expires_at)
RETURNING id;

-- name: open_link(token_hash)^
-- The link behind a token while it is live: not revoked, not expired, and the client's
-- client_page consent valid now.
SELECT l.id, l.client_id, l.created_by, l.expires_at
FROM client_page_links l
WHERE l.token_hash = :token_hash AND l.revoked_at IS NULL AND l.expires_at > now()
  AND EXISTS (
      SELECT FROM consents k
      WHERE k.client_id = l.client_id AND k.purpose = 'client_page'
        AND consent_is_valid(k, now())
  );

-- name: insert_answer(client_id, session_id, meeting_id, answer, via, request_id)^
-- The answer, with its audit event naming the client as the actor, in one statement.
WITH answered AS (
    INSERT INTO rsvps (client_id, session_id, meeting_id, answer, via)
    VALUES (:client_id, :session_id, :meeting_id, :answer, :via)
    RETURNING id, client_id, session_id, meeting_id, answer, via, answered_at
), audited AS (
    INSERT INTO audit_events
        (actor_client_id, action, client_id, subject_type, subject_id, request_id, detail)
    SELECT client_id, 'rsvp.answer', client_id,
           CASE WHEN session_id IS NULL THEN 'meeting' ELSE 'session' END,
           coalesce(session_id, meeting_id)::text, :request_id,
           jsonb_build_object('answer', answer, 'via', via)
    FROM answered
)
SELECT * FROM answered;

-- name: latest_for_session(session_id, viewer)
-- The latest answer of each client in the viewer's reach.
SELECT DISTINCT ON (r.client_id) r.client_id, r.answer, r.answered_at, r.via
FROM rsvps r
WHERE r.session_id = :session_id AND can_reach_client(:viewer, r.client_id)
ORDER BY r.client_id, r.id DESC;

-- name: latest_for_meeting(meeting_id)
SELECT DISTINCT ON (r.client_id) r.client_id, r.answer, r.answered_at, r.via
FROM rsvps r
WHERE r.meeting_id = :meeting_id
ORDER BY r.client_id, r.id DESC;
