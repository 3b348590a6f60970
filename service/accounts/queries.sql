-- name: staff_for_login(email)^
SELECT id, password_hash, active
FROM staff
WHERE lower(email) = lower(:email);

-- name: insert_token(token_hash, staff_id, expires_at)!
INSERT INTO access_tokens (token_hash, staff_id, expires_at)
VALUES (:token_hash, :staff_id, :expires_at);

-- name: revoke_token(token_hash)!
UPDATE access_tokens SET revoked_at = now()
WHERE token_hash = :token_hash AND revoked_at IS NULL;

-- name: announce_staff_change(staff_id)!
-- Every API process drops the trust it has cached in this account's tokens
-- (service/accounts/auth.py); sent when the transaction commits.
SELECT pg_notify('polku_accounts', :staff_id::text);

-- name: purge_expired_tokens(older_than)$
WITH purged AS (
    DELETE FROM access_tokens
    WHERE expires_at < :older_than OR revoked_at < :older_than
    RETURNING 1
)
SELECT count(*) FROM purged;

-- name: insert_organisation(name, kind, managed_by)^
INSERT INTO organisations (name, kind, managed_by)
VALUES (:name, :kind, :managed_by)
ON CONFLICT (lower(name)) DO NOTHING
RETURNING id, name, kind, managed_by, created_at;

-- name: organisation_by_name(name)^
SELECT id, name, kind, managed_by, created_at
FROM organisations
WHERE lower(name) = lower(:name);

-- name: organisation_by_id(id)^
SELECT id, name, kind, managed_by, created_at
FROM organisations
WHERE id = :id;

-- name: list_organisations(after_name, after_id, q, kind, limit)
SELECT id, name, kind, managed_by, created_at
FROM organisations
WHERE (lower(name), id) > (:after_name, :after_id::uuid)
  -- q as literal text: %, _ and \ in it match only themselves.
  AND (:q::text IS NULL OR strpos(lower(name), lower(:q)) > 0)
  AND (:kind::text IS NULL OR kind = :kind)
ORDER BY lower(name), id
LIMIT :limit;

-- name: manages_organisation(admin_organisation_id, organisation_id)$
SELECT EXISTS (
    SELECT FROM organisations
    WHERE id = :organisation_id
      AND (id = :admin_organisation_id OR managed_by = :admin_organisation_id)
);

-- name: insert_staff(organisation_id, email, name, phone, password_hash, roles)^
INSERT INTO staff (organisation_id, email, name, phone, password_hash, roles)
VALUES (:organisation_id, :email, :name, :phone, :password_hash, :roles)
ON CONFLICT (lower(email)) DO NOTHING
RETURNING id, organisation_id, email, name, phone, roles, active, created_at;

-- name: staff_by_id(id)^
SELECT id, organisation_id, email, name, phone, roles, active, created_at
FROM staff
WHERE id = :id;

-- name: list_staff(organisation_id, role, after_name, after_id, limit)
SELECT id, organisation_id, email, name, phone, roles, active, created_at
FROM staff
WHERE organisation_id = :organisation_id
  AND (:role::text IS NULL OR :role = ANY (roles))
  AND (lower(name), id) > (:after_name, :after_id::uuid)
ORDER BY lower(name), id
LIMIT :limit;

-- name: update_staff(id, name, phone, roles, active, password_hash)^
UPDATE staff SET
    name = coalesce(:name, name),
    phone = coalesce(:phone, phone),
    roles = coalesce(:roles, roles),
    active = coalesce(:active, active),
    password_hash = coalesce(:password_hash, password_hash)
WHERE id = :id
RETURNING id, organisation_id, email, name, phone, roles, active, created_at;

-- name: other_active_admins(organisation_id, staff_id)$
-- Locks the organisation's active admins, always in the same order: of two admins
-- dropping their own admin role at once, the second counts after the first commits.
SELECT count(*) FILTER (WHERE id <> :staff_id)
FROM (
    SELECT id FROM staff
    WHERE organisation_id = :organisation_id AND active AND 'admin' = ANY (roles)
    ORDER BY id
    FOR UPDATE
) AS admins;

-- name: password_hash(id)$
SELECT password_hash FROM staff WHERE id = :id;

-- name: revoke_staff_tokens(staff_id, keep_token_hash)!
-- Every session of the account but the one named (none when NULL).
UPDATE access_tokens SET revoked_at = now()
WHERE staff_id = :staff_id
  AND revoked_at IS NULL
  AND token_hash IS DISTINCT FROM :keep_token_hash::bytea;
