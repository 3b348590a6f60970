-- Foundation: the application role, organisations, staff and their tokens,
-- clients with their responsible workers and consents, and the audit trail.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The API and the worker run as polku_app (SET ROLE on every connection); the
-- user that migrates owns the tables. polku_app may not change audit rows.
DO $$
BEGIN
    CREATE ROLE polku_app NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN
    NULL;
END
$$;
GRANT polku_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO polku_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO polku_app;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO polku_app;

CREATE TABLE organisations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name text NOT NULL CHECK (name <> ''),
    kind text NOT NULL CHECK (
        kind IN ('municipality', 'wellbeing_county', 'ngo', 'provider', 'state_agency')
    ),
    -- The organisation whose admins manage this one (a county onboarding its
    -- partner NGOs); null for a top-level organisation.
    managed_by uuid REFERENCES organisations (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX organisations_name_key ON organisations (lower(name));

CREATE TABLE staff (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    email text NOT NULL,
    name text NOT NULL,
    phone text,
    password_hash text NOT NULL,
    roles text[] NOT NULL CHECK (
        cardinality(roles) > 0 AND roles <@ ARRAY['admin', 'coach', 'referrer', 'analyst']
    ),
    active boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX staff_email_key ON staff (lower(email));
CREATE INDEX staff_organisation ON staff (organisation_id);

-- Bearer tokens are stored as SHA-256 digests; the token itself is shown once.
CREATE TABLE access_tokens (
    token_hash bytea PRIMARY KEY,
    staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz
);
CREATE INDEX access_tokens_staff ON access_tokens (staff_id);
CREATE INDEX access_tokens_expiry ON access_tokens (expires_at);

CREATE TABLE clients (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    first_name text NOT NULL,
    last_name text NOT NULL,
    birth_date date,
    gender text CHECK (gender IN ('female', 'male', 'non_binary', 'unknown')),
    home_municipality text,
    email text,
    phone text,
    language text NOT NULL DEFAULT 'fi' CHECK (language IN ('fi', 'sv', 'en')),
    plain_language boolean NOT NULL DEFAULT false,
    timezone text NOT NULL DEFAULT 'Europe/Helsinki',
    labour_market_status text CHECK (labour_market_status IN (
        'employed', 'unemployed', 'long_term_unemployed', 'inactive', 'in_education'
    )),
    education_level text CHECK (education_level IN ('isced_0_2', 'isced_3_4', 'isced_5_8')),
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    sort_name text GENERATED ALWAYS AS (lower(last_name || ' ' || first_name)) STORED
);
CREATE INDEX clients_organisation_name ON clients (organisation_id, sort_name, id);
CREATE INDEX clients_name_search ON clients USING gin (sort_name gin_trgm_ops);

-- The staff who answer for a client: the creator, and whoever is added later.
CREATE TABLE client_workers (
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    staff_id uuid NOT NULL REFERENCES staff (id),
    relation text NOT NULL DEFAULT 'responsible' CHECK (relation IN ('responsible')),
    since timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (client_id, staff_id)
);
CREATE INDEX client_workers_staff ON client_workers (staff_id, client_id);

CREATE TABLE consents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    purpose text NOT NULL CHECK (
        purpose IN ('data_sharing', 'email_reminders', 'sms_reminders', 'calendar_feed')
    ),
    organisation_ids uuid[] NOT NULL DEFAULT '{}',
    given_at timestamptz NOT NULL DEFAULT now(),
    valid_until date,
    recorded_by uuid NOT NULL REFERENCES staff (id),
    revoked_at timestamptz,
    revoked_by uuid REFERENCES staff (id),
    revocation_reason text
);
CREATE INDEX consents_client ON consents (client_id, purpose);

-- A consent counts while it is not revoked and its last day (in Finnish time)
-- has not passed.
CREATE FUNCTION consent_is_valid(consent consents, at timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT consent.revoked_at IS NULL
       AND consent.given_at <= at
       AND (consent.valid_until IS NULL
            OR consent.valid_until >= (at AT TIME ZONE 'Europe/Helsinki')::date)
$$;

-- Who may see a client. Later migrations widen both functions as new
-- relations (coaching, group facilitation, referrals) appear; they must
-- always agree with each other.
CREATE FUNCTION can_reach_client(viewer uuid, client uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT FROM client_workers w WHERE w.staff_id = viewer AND w.client_id = client
    ) OR EXISTS (
        SELECT FROM clients c JOIN staff s ON s.organisation_id = c.organisation_id
        WHERE c.id = client AND s.id = viewer AND 'admin' = ANY (s.roles)
    )
$$;

CREATE FUNCTION reachable_clients(viewer uuid)
RETURNS TABLE (client_id uuid) LANGUAGE sql STABLE AS $$
    SELECT w.client_id FROM client_workers w WHERE w.staff_id = viewer
    UNION
    SELECT c.id FROM clients c JOIN staff s ON s.organisation_id = c.organisation_id
    WHERE s.id = viewer AND 'admin' = ANY (s.roles)
$$;

-- Who read or changed what. Append-only: polku_app may only insert and
-- read, and a trigger refuses changes from anyone until an owner disables it
-- deliberately (for a retention purge, say).
CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid,
    action text NOT NULL,
    client_id uuid,
    subject_type text,
    subject_id text,
    outcome text NOT NULL DEFAULT 'ok' CHECK (outcome IN ('ok', 'denied')),
    request_id text,
    detail jsonb
);
CREATE INDEX audit_events_client ON audit_events (client_id, id) WHERE client_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM polku_app;

CREATE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();
