-- Group programmes: weekly sessions, the staff who run them, enrolment with a
-- waiting list, attendance, and clients flagged for repeated absence.

CREATE TABLE programmes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organisation_id uuid NOT NULL REFERENCES organisations (id),
    title text NOT NULL,
    description text,
    first_session_date date NOT NULL,
    start_time time NOT NULL,
    duration_minutes int NOT NULL CHECK (duration_minutes BETWEEN 15 AND 720),
    weeks int NOT NULL CHECK (weeks BETWEEN 1 AND 52),
    timezone text NOT NULL,
    capacity int NOT NULL CHECK (capacity BETWEEN 1 AND 200),
    location_name text NOT NULL,
    location_address text,
    online_url text,
    skip_public_holidays boolean NOT NULL,
    -- ISO 8601 durations before each session when reminders go out.
    reminder_offsets text[] NOT NULL DEFAULT '{P1D,PT2H}',
    -- First start and last end of the sessions not cancelled; status follows them.
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    cancelled_at timestamptz,
    cancelled_by uuid REFERENCES staff (id),
    cancellation_reason text,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programmes_period ON programmes (starts_at, id);
CREATE INDEX programmes_organisation ON programmes (organisation_id, starts_at);

-- Facilitators (coaches) run the group; contacts are the municipal workers who
-- attend as their clients' own workers.
CREATE TABLE programme_staff (
    programme_id uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    staff_id uuid NOT NULL REFERENCES staff (id),
    role text NOT NULL CHECK (role IN ('facilitator', 'contact')),
    PRIMARY KEY (programme_id, staff_id, role)
);
CREATE INDEX programme_staff_staff ON programme_staff (staff_id, role, programme_id);

CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    programme_id uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    number int NOT NULL,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    planned_starts_at timestamptz NOT NULL,
    theme text,
    -- Null means the programme's own location or link.
    location_name text,
    location_address text,
    online_url text,
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancellation_reason text,
    -- Grows with every change of time, place or status; calendars use it as SEQUENCE.
    revision int NOT NULL DEFAULT 0,
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (programme_id, number),
    CHECK (ends_at > starts_at)
);
CREATE INDEX sessions_programme ON sessions (programme_id, starts_at);
CREATE INDEX sessions_starts ON sessions (starts_at) WHERE status = 'scheduled';

CREATE TABLE session_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    changed_by uuid REFERENCES staff (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    -- {"field": [old, new], ...}
    changes jsonb NOT NULL,
    reason text
);
CREATE INDEX session_changes_session ON session_changes (session_id, id);

CREATE TABLE enrolments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    programme_id uuid NOT NULL REFERENCES programmes (id),
    client_id uuid NOT NULL REFERENCES clients (id),
    referral_id uuid,
    status text NOT NULL CHECK (status IN ('enrolled', 'waitlisted', 'withdrawn')),
    waitlist_position int CHECK ((status = 'waitlisted') = (waitlist_position IS NOT NULL)),
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by uuid REFERENCES staff (id),
    enrolled_at timestamptz,
    withdrawn_at timestamptz,
    withdrawn_by uuid REFERENCES staff (id),
    withdrawal_reason text
);
-- One live enrolment per client and programme; a withdrawn one may be followed by another.
CREATE UNIQUE INDEX enrolments_live ON enrolments (programme_id, client_id)
    WHERE status <> 'withdrawn';
CREATE INDEX enrolments_programme ON enrolments (programme_id, status, waitlist_position);
CREATE INDEX enrolments_client ON enrolments (client_id);

CREATE TABLE attendance (
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id uuid NOT NULL REFERENCES clients (id),
    status text NOT NULL CHECK (status IN ('present', 'remote', 'absent', 'excused')),
    recorded_by uuid REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, client_id)
);
CREATE INDEX attendance_client ON attendance (client_id, session_id);

-- Something about a client that their responsible workers should look at.
CREATE TABLE attention_flags (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id),
    programme_id uuid NOT NULL REFERENCES programmes (id),
    reason text NOT NULL CHECK (reason IN ('repeated_absence')),
    since timestamptz NOT NULL,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    resolved_at timestamptz
);
CREATE UNIQUE INDEX attention_flags_open ON attention_flags (client_id, programme_id, reason)
    WHERE resolved_at IS NULL;

-- Reach now includes the facilitators of a group the client is or was in.
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
$$;
