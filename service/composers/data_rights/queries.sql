-- Closing ------------------------------------------------------------------------------

-- name: closing_facts(client_id, viewer)^
-- What deciding on a close needs: whether it is closed already, since when the client is
-- known, and whether the viewer is one of its responsible workers.
SELECT c.closed_at IS NOT NULL AS closed,
       (c.created_at AT TIME ZONE 'Europe/Helsinki')::date AS created_on,
       EXISTS (
           SELECT FROM client_workers w WHERE w.client_id = c.id AND w.staff_id = :viewer
       ) AS responsible,
       c.organisation_id
FROM clients c WHERE c.id = :client_id;

-- name: close(client_id, closed_on, reason, closed_by, retention_until)^
UPDATE clients
SET closed_on = :closed_on, closed_at = now(), close_reason = :reason,
    closed_by = :closed_by, retention_until = :retention_until, updated_at = now()
WHERE id = :client_id AND closed_at IS NULL
RETURNING id AS client_id, closed_on, closed_at, closed_by, retention_until;

-- name: cancel_pending_messages(client_id)$
-- Messages not yet handed on; one already being sent goes out.
WITH cancelled AS (
    UPDATE messages SET status = 'cancelled',
        status_reason = 'the client relationship is closed', updated_at = now()
    WHERE client_id = :client_id AND status = 'pending'
    RETURNING 1
)
SELECT count(*) FROM cancelled;

-- name: cancel_open_follow_ups(client_id)$
WITH cancelled AS (
    UPDATE follow_ups SET status = 'cancelled'
    WHERE client_id = :client_id AND status IN ('scheduled', 'asked')
    RETURNING 1
)
SELECT count(*) FROM cancelled;

-- name: revoke_page_links(client_id)$
-- Revoking a page link revokes its calendar feeds too (trigger, migration 0022).
WITH revoked AS (
    UPDATE client_page_links SET revoked_at = now()
    WHERE client_id = :client_id AND revoked_at IS NULL
    RETURNING 1
)
SELECT count(*) FROM revoked;

-- name: revoke_feeds(client_id)$
WITH revoked AS (
    UPDATE calendar_feeds SET revoked_at = now()
    WHERE client_id = :client_id AND revoked_at IS NULL
    RETURNING 1
)
SELECT count(*) FROM revoked;

-- Legal holds ---------------------------------------------------------------------------

-- name: place_hold(client_id, reason, placed_by)^
INSERT INTO legal_holds (client_id, reason, placed_by)
VALUES (:client_id, :reason, :placed_by)
ON CONFLICT (client_id) WHERE lifted_at IS NULL DO NOTHING
RETURNING id, client_id, reason, placed_by, placed_at, lifted_by, lifted_at;

-- name: lift_hold(client_id, lifted_by)^
UPDATE legal_holds SET lifted_by = :lifted_by, lifted_at = now()
WHERE client_id = :client_id AND lifted_at IS NULL
RETURNING id, client_id, reason, placed_by, placed_at, lifted_by, lifted_at;

-- name: holds(client_id)
SELECT id, client_id, reason, placed_by, placed_at, lifted_by, lifted_at
FROM legal_holds WHERE client_id = :client_id
ORDER BY placed_at DESC, id;

-- Pathway -------------------------------------------------------------------------------

-- name: pathway(client_id)
SELECT 'closed' AS what, c.id, c.closed_at AS at, c.closed_on AS day
FROM clients c WHERE c.id = :client_id AND c.closed_at IS NOT NULL
UNION ALL
SELECT 'hold_placed', h.id, h.placed_at, NULL FROM legal_holds h WHERE h.client_id = :client_id
UNION ALL
SELECT 'hold_lifted', h.id, h.lifted_at, NULL
FROM legal_holds h WHERE h.client_id = :client_id AND h.lifted_at IS NOT NULL;

-- Retention -----------------------------------------------------------------------------

-- name: due(today, max_rows)
-- Clients past their retention and under no hold, the longest overdue first.
SELECT c.id, c.retention_until
FROM clients c
WHERE c.retention_until < :today AND c.erased_at IS NULL
  AND NOT EXISTS (SELECT FROM legal_holds h WHERE h.client_id = c.id AND h.lifted_at IS NULL)
ORDER BY c.retention_until, c.id
LIMIT :max_rows;

-- name: held_past_retention(today)$
SELECT count(*) FROM clients c
WHERE c.retention_until < :today AND c.erased_at IS NULL
  AND EXISTS (SELECT FROM legal_holds h WHERE h.client_id = c.id AND h.lifted_at IS NULL);

-- name: claim_batch(today, max_rows, failed)
-- A batch of them, locked for this pass: another pass at the same moment skips these and
-- takes others, and finds them erased once this one commits. `failed`: those this pass
-- could not erase, not tried again by it.
SELECT c.id
FROM clients c
WHERE c.retention_until < :today AND c.erased_at IS NULL
  AND NOT c.id = ANY (:failed::uuid[])
  AND NOT EXISTS (SELECT FROM legal_holds h WHERE h.client_id = c.id AND h.lifted_at IS NULL)
ORDER BY c.retention_until, c.id
LIMIT :max_rows
FOR UPDATE OF c SKIP LOCKED;

-- name: erase(client_id)$
SELECT erase_client(:client_id);

-- name: log_erasures(client_ids)!
-- The erasure itself, by the system (no actor), naming only the client's id.
INSERT INTO audit_events (actor_id, action, client_id, subject_type, subject_id)
SELECT NULL, 'client.erase', id, 'client', id::text FROM unnest(:client_ids::uuid[]) AS id;
