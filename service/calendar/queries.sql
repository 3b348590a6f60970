-- name: revoke_feeds(client_id, staff_id, programme_id)!
UPDATE calendar_feeds SET revoked_at = now()
WHERE revoked_at IS NULL
  AND (client_id = :client_id OR staff_id = :staff_id OR programme_id = :programme_id);

-- name: insert_feed(token_hash, client_id, staff_id, programme_id, created_by)$
INSERT INTO calendar_feeds (token_hash, client_id, staff_id, programme_id, created_by)
VALUES (:token_hash, :client_id, :staff_id, :programme_id, :created_by)
RETURNING id;
