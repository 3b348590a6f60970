-- Referral pathways: a catalogue of services (shaped on Open Referral HSDS), referrals
-- with a FHIR Task-style lifecycle and every change kept, and the referrer's notices.

-- array_to_string is only STABLE (it could format any element type); for text it
-- depends on nothing, and a generated column needs that promise.
CREATE FUNCTION words_of(items text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT array_to_string(items, ' ') $$;

CREATE TABLE services (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The organisation that provides the service and answers referrals to it.
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    -- The id the service has in the catalogue it was imported from (HSDS `id`).
    external_id text UNIQUE,
    name text NOT NULL CHECK (name <> ''),
    description text NOT NULL DEFAULT '',
    categories text[] NOT NULL DEFAULT '{}',
    eligibility text,
    -- {name, title, email, phone}
    contact jsonb,
    -- {name, address, municipality}
    location jsonb,
    -- When it runs, as written ("Mon–Thu 9–15").
    schedule text,
    url text,
    email text,
    phone text,
    status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive')),
    search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', name), 'A')
        || setweight(to_tsvector('simple', words_of(categories)), 'B')
        || setweight(to_tsvector('simple', description), 'C')
        || setweight(to_tsvector('simple', coalesce(location->>'municipality', '')), 'C')
    ) STORED,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX services_search ON services USING gin (search);
CREATE INDEX services_categories ON services USING gin (categories);
CREATE INDEX services_name ON services (lower(name), id);

CREATE TABLE referrals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id),
    programme_id uuid REFERENCES programmes (id),
    service_id uuid REFERENCES services (id),
    from_organisation_id uuid NOT NULL REFERENCES organisations (id),
    to_organisation_id uuid NOT NULL REFERENCES organisations (id),
    referred_by uuid NOT NULL REFERENCES staff (id),
    reason text NOT NULL,
    needs text,
    -- The data_sharing consent the hand-over rests on (null within one organisation).
    consent_id uuid REFERENCES consents (id),
    status text NOT NULL DEFAULT 'requested' CHECK (status IN (
        'requested', 'received', 'accepted', 'rejected', 'in-progress', 'on-hold',
        'completed', 'cancelled', 'failed'
    )),
    -- While on hold: the status to go back to.
    held_from text,
    status_reason text,
    enrolment_id uuid REFERENCES enrolments (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    accepted_at timestamptz,
    started_at timestamptz,
    ended_at timestamptz,
    CHECK (num_nonnulls(programme_id, service_id) = 1),
    CHECK ((status = 'on-hold') = (held_from IS NOT NULL))
);
-- One open referral of a client to the same place.
CREATE UNIQUE INDEX referrals_open_target ON referrals (client_id, coalesce(programme_id, service_id))
    WHERE status NOT IN ('rejected', 'completed', 'cancelled', 'failed');
CREATE INDEX referrals_client ON referrals (client_id, created_at);
CREATE INDEX referrals_referrer ON referrals (referred_by, created_at);
CREATE INDEX referrals_incoming ON referrals (to_organisation_id, status, created_at);
CREATE INDEX referrals_programme ON referrals (programme_id) WHERE programme_id IS NOT NULL;

ALTER TABLE enrolments
    ADD CONSTRAINT enrolments_referral FOREIGN KEY (referral_id) REFERENCES referrals (id);

-- Every change of status: who, when, from what, to what, why.
CREATE TABLE referral_events (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    referral_id uuid NOT NULL REFERENCES referrals (id),
    actor_id uuid REFERENCES staff (id),
    from_status text,
    to_status text NOT NULL,
    reason text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

-- The referrer's worklist: changes to their referrals made by someone else.
CREATE TABLE referral_notices (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    staff_id uuid NOT NULL REFERENCES staff (id),
    event_id uuid NOT NULL REFERENCES referral_events (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz
);
CREATE INDEX referral_notices_staff ON referral_notices (staff_id, created_at DESC, id);

-- Whether the receiving side may still see a referral: within one organisation
-- always; across organisations while the data_sharing consent holds and covers it.
CREATE FUNCTION referral_shared(referral referrals, at timestamptz)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT referral.from_organisation_id = referral.to_organisation_id
        OR EXISTS (
            SELECT FROM consents k
            WHERE k.id = referral.consent_id AND k.purpose = 'data_sharing'
              AND referral.to_organisation_id = ANY (k.organisation_ids)
              AND consent_is_valid(k, at)
        )
$$;

-- Which sides of a referral a member of staff is on. Referring: the referrer, and
-- staff of the referring organisation who reach the client. Receiving, while the
-- referral is shared: facilitators of the programme, and the receiving
-- organisation's coaches and admins (for a service, its referrers too).
CREATE FUNCTION referral_sides(viewer uuid, referral referrals)
RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN referral.referred_by = viewer OR EXISTS (
            SELECT FROM staff s
            WHERE s.id = viewer AND s.organisation_id = referral.from_organisation_id
              AND s.active AND can_reach_client(viewer, referral.client_id)
        ) THEN 'referring' END,
        CASE WHEN referral_shared(referral, now()) AND (
            EXISTS (
                SELECT FROM programme_staff ps
                WHERE ps.programme_id = referral.programme_id AND ps.staff_id = viewer
                  AND ps.role = 'facilitator'
            ) OR EXISTS (
                SELECT FROM staff s
                WHERE s.id = viewer AND s.active
                  AND s.organisation_id = referral.to_organisation_id
                  AND s.roles && CASE WHEN referral.service_id IS NULL
                                      THEN ARRAY['admin', 'coach']
                                      ELSE ARRAY['admin', 'coach', 'referrer'] END
            )
        ) THEN 'receiving' END
    ], NULL)
$$;

-- Reach now includes the clients a worker has referred.
CREATE OR REPLACE FUNCTION can_reach_client(viewer uuid, client uuid)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (
        SELECT FROM client_workers w WHERE w.staff_id = viewer AND w.client_id = client
    ) OR EXISTS (
        SELECT FROM clients c JOIN staff s ON s.organisation_id = c.organisation_id
        WHERE c.id = client AND s.id = viewer AND 'admin' = ANY (s.roles)
    ) OR EXISTS (
        SELECT FROM enrolments e
        JOIN programme_staff ps ON ps.programme_id = e.programme_id
        WHERE e.client_id = client AND ps.staff_id = viewer AND ps.role = 'facilitator'
    ) OR EXISTS (
        SELECT FROM plans p JOIN plan_coaches pc ON pc.plan_id = p.id
        WHERE p.client_id = client AND pc.staff_id = viewer
    ) OR EXISTS (
        SELECT FROM referrals r WHERE r.client_id = client AND r.referred_by = viewer
    )
$$;

CREATE OR REPLACE FUNCTION reachable_clients(viewer uuid)
RETURNS TABLE (client_id uuid) LANGUAGE sql STABLE AS $$
    SELECT w.client_id FROM client_workers w WHERE w.staff_id = viewer
    UNION
    SELECT c.id FROM clients c JOIN staff s ON s.organisation_id = c.organisation_id
    WHERE s.id = viewer AND 'admin' = ANY (s.roles)
    UNION
    SELECT e.client_id FROM programme_staff ps
    JOIN enrolments e ON e.programme_id = ps.programme_id
    WHERE ps.staff_id = viewer AND ps.role = 'facilitator'
    UNION
    SELECT p.client_id FROM plan_coaches pc JOIN plans p ON p.id = pc.plan_id
    WHERE pc.staff_id = viewer
    UNION
    SELECT r.client_id FROM referrals r WHERE r.referred_by = viewer
$$;

-- Notices to staff point at the referral event they tell about.
CREATE INDEX messages_staff ON messages (staff_id, scheduled_for DESC) WHERE staff_id IS NOT NULL;
