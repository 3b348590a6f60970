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

-- One-time codes and the personal part's sessions (migration 0023) ------------------

-- name: pause_of(link_id, now)$
-- Until when the link's codes are paused after too many wrong tries, if they are now.
SELECT max(paused_until) FROM client_page_codes
WHERE link_id = :link_id AND paused_until > :now;

-- name: retire_codes(link_id, now)!
-- A new code replaces any earlier one that is still open.
UPDATE client_page_codes SET used_at = :now, code_text = NULL
WHERE link_id = :link_id AND used_at IS NULL;

-- name: insert_code(id, link_id, code_hash, code_text, channel, now, expires_at)!
INSERT INTO client_page_codes (id, link_id, code_hash, code_text, channel, created_at,
                               expires_at)
VALUES (:id, :link_id, :code_hash, :code_text, :channel, :now, :expires_at);

-- name: open_code(link_id)^
-- The link's latest code not yet used, retired or locked, held for the try.
SELECT id, code_hash, expires_at, wrong_tries
FROM client_page_codes
WHERE link_id = :link_id AND used_at IS NULL
ORDER BY created_at DESC
LIMIT 1
FOR UPDATE;

-- name: use_code(id, now)!
UPDATE client_page_codes SET used_at = :now, code_text = NULL WHERE id = :id;

-- name: wrong_try(id, max_tries, now, paused_until)$
-- One wrong try more; the last one allowed closes the code and pauses the link.
UPDATE client_page_codes
SET wrong_tries = wrong_tries + 1,
    used_at = CASE WHEN wrong_tries + 1 >= :max_tries THEN :now::timestamptz END,
    code_text = CASE WHEN wrong_tries + 1 >= :max_tries THEN NULL ELSE code_text END,
    paused_until = CASE WHEN wrong_tries + 1 >= :max_tries THEN :paused_until::timestamptz END
WHERE id = :id
RETURNING wrong_tries;

-- name: insert_session(link_id, secret_hash, now, expires_at)!
INSERT INTO client_page_sessions (link_id, secret_hash, created_at, expires_at)
VALUES (:link_id, :secret_hash, :now, :expires_at);

-- name: session_is_open(link_id, secret_hash, now)$
SELECT EXISTS (
    SELECT FROM client_page_sessions
    WHERE link_id = :link_id AND secret_hash = :secret_hash AND expires_at > :now
);

-- name: audit_client_act(client_id, action, subject_type, subject_id, request_id, detail)!
-- Something the client did or read on their page, with the client as the actor.
INSERT INTO audit_events
    (actor_client_id, action, client_id, subject_type, subject_id, request_id, detail)
VALUES (:client_id, :action, :client_id, :subject_type, :subject_id, :request_id, :detail);
