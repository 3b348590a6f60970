-- The personal part of the client's page (issue 17, point 4): one-time codes, the
-- short-lived cookie a right code opens, the client's own goal ratings and the
-- assessments a coach asks the client to fill in.

-- A one-time code for a page link: six digits, stored as a digest salted with the row's
-- id. The digits themselves stay in code_text only until the sender has composed the
-- message that carries them (notifications/compose_code.py wipes it in the same
-- statement that reads it), so a sent code is held as its digest alone.
CREATE TABLE client_page_codes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    link_id uuid NOT NULL REFERENCES client_page_links (id) ON DELETE CASCADE,
    code_hash bytea NOT NULL,
    code_text text CHECK (code_text ~ '^[0-9]{6}$'),
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    wrong_tries int NOT NULL DEFAULT 0,
    -- After the last wrong try: no new code and no try before this.
    paused_until timestamptz,
    used_at timestamptz
);
CREATE INDEX client_page_codes_link ON client_page_codes (link_id, created_at DESC);

-- What a right code opens: a random secret in an HttpOnly cookie, stored as its digest
-- and bound to the page link, so rotating or revoking the link ends it.
CREATE TABLE client_page_sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    link_id uuid NOT NULL REFERENCES client_page_links (id) ON DELETE CASCADE,
    secret_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);
CREATE INDEX client_page_sessions_link ON client_page_sessions (link_id);

-- Who gave a rating: a staff member (rated_by names them) or the client on their page
-- (rated_by is NULL). The GAS summary scores staff ratings unless asked otherwise.
ALTER TABLE goal_ratings ADD COLUMN rater text NOT NULL DEFAULT 'staff'
    CHECK (rater IN ('staff', 'client'));
ALTER TABLE goal_ratings ADD CONSTRAINT goal_ratings_client_names_no_staff
    CHECK (rater = 'staff' OR rated_by IS NULL);

-- Who answered an assessment: staff recording it, or the client on their page.
ALTER TABLE assessments ADD COLUMN answered_by text NOT NULL DEFAULT 'staff'
    CHECK (answered_by IN ('staff', 'client'));

-- A coach asks the client to fill in an instrument (the version newest when asked) on
-- their page; the answer is an assessment of its own.
CREATE TABLE assessment_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    instrument_id uuid NOT NULL REFERENCES instruments (id),
    requested_by uuid NOT NULL REFERENCES staff (id),
    requested_at timestamptz NOT NULL DEFAULT now(),
    assessment_id uuid REFERENCES assessments (id),
    answered_at timestamptz
);
CREATE INDEX assessment_requests_client ON assessment_requests (client_id, requested_at);
CREATE INDEX assessment_requests_plan ON assessment_requests (plan_id, requested_at);
