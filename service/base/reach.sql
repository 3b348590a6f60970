-- Who reaches a client. The rule itself is the database function can_reach_client
-- (db/migrations/0014_reach_ends.sql), so that every statement that touches clients
-- can apply it where the rows are.

-- name: can_reach(viewer, id)$
SELECT can_reach_client(:viewer, :id);

-- name: lock_reachable_client(viewer, id)$
-- FOR NO KEY UPDATE: changes to one client queue up, while rows that only point at the
-- client (a message, an enrolment) can still be written by others meanwhile.
SELECT id FROM clients WHERE id = :id AND can_reach_client(:viewer, :id) FOR NO KEY UPDATE;

-- name: sharing_consent(client_id, organisation_id, consent_id)$
-- A data_sharing consent of the client that holds now and covers the organisation:
-- the one named, or else the one given last.
SELECT id FROM consents k
WHERE k.client_id = :client_id AND k.purpose = 'data_sharing'
  AND :organisation_id = ANY (k.organisation_ids) AND consent_is_valid(k, now())
  AND (:consent_id::uuid IS NULL OR k.id = :consent_id)
ORDER BY k.given_at DESC
LIMIT 1;

-- name: staff_organisations(ids)
SELECT id, organisation_id FROM staff WHERE id = ANY (:ids::uuid[]);

-- name: client_organisation(id)$
SELECT organisation_id FROM clients WHERE id = :id;
