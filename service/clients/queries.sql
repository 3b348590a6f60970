-- name: insert_client(organisation_id, first_name, last_name, birth_date, gender, home_municipality, email, phone, language, plain_language, timezone, labour_market_status, education_level, non_disclosure, created_by)^
WITH client AS (
    INSERT INTO clients (
        organisation_id, first_name, last_name, birth_date, gender, home_municipality,
        email, phone, language, plain_language, timezone, labour_market_status,
        education_level, non_disclosure, created_by
    ) VALUES (
        :organisation_id, :first_name, :last_name, :birth_date, :gender, :home_municipality,
        :email, :phone, :language, :plain_language, :timezone, :labour_market_status,
        :education_level, :non_disclosure, :created_by
    )
    RETURNING *
), worker AS (
    INSERT INTO client_workers (client_id, staff_id)
    SELECT id, :created_by FROM client
)
SELECT id, organisation_id, first_name, last_name, birth_date, gender, home_municipality,
       email, phone, language, plain_language, timezone, labour_market_status,
       education_level, non_disclosure, created_at, updated_at,
       true AS viewer_is_responsible
FROM client;

-- name: read_clients(viewers, ids, request_ids)
-- Client reads that arrived together (the hottest read in Polku): for each
-- (viewer, id, request id) the client if it is in the viewer's reach. Every read
-- gets its audit row from this same statement, a refused one included, so nothing
-- is shown unless its row was written. viewer_is_responsible feeds the non-disclosure
-- rule (service/clients/disclosure.py), asked only of a client under non-disclosure.
WITH asked AS (
    SELECT * FROM unnest(:viewers::uuid[], :ids::uuid[], :request_ids::text[])
        WITH ORDINALITY AS a (viewer, id, request_id, n)
), client AS (
    SELECT a.n, c.id, c.organisation_id, c.first_name, c.last_name, c.birth_date, c.gender,
           c.home_municipality, c.email, c.phone, c.language, c.plain_language, c.timezone,
           c.labour_market_status, c.education_level, c.non_disclosure, c.created_at,
           c.updated_at,
           c.non_disclosure AND EXISTS (
               SELECT FROM client_workers w WHERE w.client_id = c.id AND w.staff_id = a.viewer
           ) AS viewer_is_responsible
    FROM asked a JOIN clients c ON c.id = a.id
    WHERE can_reach_client(a.viewer, a.id)
), audited AS (
    INSERT INTO audit_events (actor_id, action, client_id, outcome, request_id)
    SELECT a.viewer, 'client.read', a.id,
           CASE WHEN client.n IS NULL THEN 'denied' ELSE 'ok' END, a.request_id
    FROM asked a LEFT JOIN client USING (n)
    ORDER BY a.n
)
SELECT * FROM client;

-- name: update_client(id, fields)^
-- `fields` is a JSON object of the columns to change; absent keys stay.
UPDATE clients SET
    first_name = CASE WHEN :fields ? 'first_name' THEN :fields->>'first_name' ELSE first_name END,
    last_name = CASE WHEN :fields ? 'last_name' THEN :fields->>'last_name' ELSE last_name END,
    birth_date = CASE WHEN :fields ? 'birth_date' THEN (:fields->>'birth_date')::date ELSE birth_date END,
    gender = CASE WHEN :fields ? 'gender' THEN :fields->>'gender' ELSE gender END,
    home_municipality = CASE WHEN :fields ? 'home_municipality' THEN :fields->>'home_municipality' ELSE home_municipality END,
    email = CASE WHEN :fields ? 'email' THEN :fields->>'email' ELSE email END,
    phone = CASE WHEN :fields ? 'phone' THEN :fields->>'phone' ELSE phone END,
    language = CASE WHEN :fields ? 'language' THEN :fields->>'language' ELSE language END,
    plain_language = CASE WHEN :fields ? 'plain_language' THEN (:fields->>'plain_language')::boolean ELSE plain_language END,
    timezone = CASE WHEN :fields ? 'timezone' THEN :fields->>'timezone' ELSE timezone END,
    labour_market_status = CASE WHEN :fields ? 'labour_market_status' THEN :fields->>'labour_market_status' ELSE labour_market_status END,
    education_level = CASE WHEN :fields ? 'education_level' THEN :fields->>'education_level' ELSE education_level END,
    non_disclosure = CASE WHEN :fields ? 'non_disclosure' THEN (:fields->>'non_disclosure')::boolean ELSE non_disclosure END,
    updated_at = now()
WHERE id = :id
RETURNING id, organisation_id, first_name, last_name, birth_date, gender, home_municipality,
          email, phone, language, plain_language, timezone, labour_market_status,
          education_level, non_disclosure, created_at, updated_at;

-- name: list_clients(viewer, after_name, after_id, limit)
SELECT id, organisation_id, first_name, last_name, birth_date, gender, home_municipality,
       email, phone, language, plain_language, timezone, labour_market_status,
       education_level, non_disclosure, created_at, updated_at, sort_name,
       non_disclosure AND EXISTS (
           SELECT FROM client_workers w WHERE w.client_id = clients.id AND w.staff_id = :viewer
       ) AS viewer_is_responsible
FROM clients
WHERE id IN (SELECT client_id FROM reachable_clients(:viewer))
  AND (sort_name, id) > (:after_name, :after_id::uuid)
ORDER BY sort_name, id
LIMIT :limit;

-- name: search_clients(viewer, longest_pattern, patterns, after_name, after_id, limit)
-- The longest word alone is what the trigram index can use; every word must match.
SELECT id, organisation_id, first_name, last_name, birth_date, gender, home_municipality,
       email, phone, language, plain_language, timezone, labour_market_status,
       education_level, non_disclosure, created_at, updated_at, sort_name,
       non_disclosure AND EXISTS (
           SELECT FROM client_workers w WHERE w.client_id = clients.id AND w.staff_id = :viewer
       ) AS viewer_is_responsible
FROM clients
WHERE id IN (SELECT client_id FROM reachable_clients(:viewer))
  AND sort_name LIKE :longest_pattern
  AND sort_name LIKE ALL (:patterns::text[])
  AND (sort_name, id) > (:after_name, :after_id::uuid)
ORDER BY sort_name, id
LIMIT :limit;

-- name: disclosure_facts(viewer, id)^
-- What the non-disclosure rule needs to know of a client and one viewer.
SELECT c.organisation_id, c.non_disclosure,
       EXISTS (
           SELECT FROM client_workers w WHERE w.client_id = c.id AND w.staff_id = :viewer
       ) AS viewer_is_responsible
FROM clients c WHERE c.id = :id;

-- name: client_workers(client_id)
SELECT w.staff_id, s.name, s.email, s.phone, s.organisation_id, w.relation, w.since
FROM client_workers w
JOIN staff s ON s.id = w.staff_id
WHERE w.client_id = :client_id
ORDER BY w.since, w.staff_id;

-- name: add_client_worker(client_id, staff_id)!
INSERT INTO client_workers (client_id, staff_id)
VALUES (:client_id, :staff_id)
ON CONFLICT DO NOTHING;

-- name: remove_client_worker(client_id, staff_id)$
WITH removed AS (
    DELETE FROM client_workers
    WHERE client_id = :client_id AND staff_id = :staff_id
      AND (SELECT count(*) FROM client_workers WHERE client_id = :client_id) > 1
    RETURNING 1
)
SELECT count(*) FROM removed;

-- name: active_staff(id)^
SELECT id, organisation_id, roles FROM staff WHERE id = :id AND active;

-- name: insert_consent(client_id, purpose, organisation_ids, valid_until, recorded_by)^
INSERT INTO consents AS c (client_id, purpose, organisation_ids, valid_until, recorded_by)
VALUES (:client_id, :purpose, :organisation_ids, :valid_until, :recorded_by)
RETURNING c.id, c.client_id, c.purpose, c.organisation_ids, c.given_at, c.valid_until,
          c.recorded_by, c.revoked_at, c.revocation_reason, consent_is_valid(c, now()) AS valid;

-- name: count_known_organisations(ids)$
SELECT count(*) FROM organisations WHERE id = ANY (:ids::uuid[]);

-- name: list_consents(client_id, after_given_at, after_id, limit)
SELECT c.id, c.client_id, c.purpose, c.organisation_ids, c.given_at, c.valid_until,
       c.recorded_by, c.revoked_at, c.revocation_reason, consent_is_valid(c, now()) AS valid
FROM consents c
WHERE c.client_id = :client_id
  AND (c.given_at, c.id) < (:after_given_at, :after_id::uuid)
ORDER BY c.given_at DESC, c.id DESC
LIMIT :limit;

-- name: consent_client(id)$
SELECT client_id FROM consents WHERE id = :id;

-- name: revoke_consent(id, revoked_by, reason)^
UPDATE consents AS c
SET revoked_at = now(), revoked_by = :revoked_by, revocation_reason = :reason
WHERE c.id = :id AND c.revoked_at IS NULL
RETURNING c.id, c.client_id, c.purpose, c.organisation_ids, c.given_at, c.valid_until,
          c.recorded_by, c.revoked_at, c.revocation_reason, consent_is_valid(c, now()) AS valid;

-- name: still_consented(client_id, purpose)$
-- Another consent for the same purpose may still hold (one given again before the old
-- one was revoked).
SELECT EXISTS (
    SELECT FROM consents k
    WHERE k.client_id = :client_id AND k.purpose = :purpose AND consent_is_valid(k, now())
);

-- name: audit_events(client_id, before_id, limit)
-- The actor is a staff member, the client themselves (on their page), or the system.
SELECT e.id, e.occurred_at, e.actor_id, e.actor_client_id, s.name AS actor_name,
       CASE WHEN e.actor_id IS NOT NULL THEN 'staff'
            WHEN e.actor_client_id IS NOT NULL THEN 'client'
            ELSE 'system' END AS actor_kind,
       e.action, e.outcome, e.subject_type, e.subject_id, e.request_id, e.detail
FROM audit_events e
LEFT JOIN staff s ON s.id = e.actor_id
WHERE e.client_id = :client_id AND e.id < :before_id
ORDER BY e.id DESC
LIMIT :limit;

-- name: consent_pathway(client_id)
SELECT id, purpose, given_at, revoked_at, revocation_reason, valid_until
FROM consents
WHERE client_id = :client_id;

-- name: client_created(client_id)^
SELECT c.created_at, s.name AS created_by_name
FROM clients c LEFT JOIN staff s ON s.id = c.created_by
WHERE c.id = :client_id;

-- name: revoke_purpose_by_client(client_id, purpose, reason, request_id)
-- The client themselves ended a purpose (STOP by SMS): each live consent for it revoked,
-- each revocation audited with the client as the actor, in one statement.
WITH revoked AS (
    UPDATE consents SET revoked_at = now(), revocation_reason = :reason
    WHERE client_id = :client_id AND purpose = :purpose AND revoked_at IS NULL
    RETURNING id, client_id
), audited AS (
    INSERT INTO audit_events
        (actor_client_id, action, client_id, subject_type, subject_id, request_id)
    SELECT client_id, 'consent.revoke', client_id, 'consent', id::text, :request_id
    FROM revoked
)
SELECT id FROM revoked;

-- name: record_esf_entry(client_id, disability, minority, homelessness, recorded_by)^
INSERT INTO esf_sensitive_answers AS a
    (client_id, disability, minority, homelessness, recorded_by)
VALUES (:client_id, :disability, :minority, :homelessness, :recorded_by)
ON CONFLICT (client_id) DO UPDATE
SET disability = EXCLUDED.disability, minority = EXCLUDED.minority,
    homelessness = EXCLUDED.homelessness, recorded_by = EXCLUDED.recorded_by,
    recorded_at = now()
RETURNING client_id, disability, minority, homelessness, recorded_at;

-- name: esf_entry(client_id)^
SELECT client_id, disability, minority, homelessness, recorded_at
FROM esf_sensitive_answers WHERE client_id = :client_id;
