-- Who a bearer token belongs to (service/base/identity.py).

-- name: actor_for_token(token_hash)^
-- The staff member a live token belongs to.
SELECT s.id, s.organisation_id, s.email, s.name, s.roles, t.expires_at
FROM access_tokens t
JOIN staff s ON s.id = t.staff_id
WHERE t.token_hash = :token_hash
  AND t.revoked_at IS NULL
  AND t.expires_at > now()
  AND s.active;
