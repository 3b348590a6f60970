-- Individual coaching: plans with GAS goals and ratings, assessment instruments and
-- assessments, the strengths CV, the continuation plan, meetings and confidential notes.

CREATE TABLE plans (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id),
    kind text NOT NULL CHECK (kind IN ('goal_coaching', 'job_coaching')),
    starts_on date NOT NULL,
    ends_on date CHECK (ends_on >= starts_on),
    -- Grows with every edit of the plan; its ETag, so two coaches never overwrite
    -- each other unknowingly.
    version int NOT NULL DEFAULT 1,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plans_client ON plans (client_id, starts_on);

CREATE TABLE plan_coaches (
    plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    staff_id uuid NOT NULL REFERENCES staff (id),
    PRIMARY KEY (plan_id, staff_id)
);
CREATE INDEX plan_coaches_staff ON plan_coaches (staff_id, plan_id);

CREATE TABLE goals (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position int NOT NULL,
    title text NOT NULL,
    weight double precision NOT NULL DEFAULT 1 CHECK (weight > 0),
    baseline smallint NOT NULL CHECK (baseline IN (-2, -1)),
    -- The five written levels: {"-2": …, "-1": …, "0": …, "1": …, "2": …}
    levels jsonb NOT NULL,
    version int NOT NULL DEFAULT 1,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (plan_id, position)
);

CREATE TABLE goal_ratings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    goal_id uuid NOT NULL REFERENCES goals (id) ON DELETE CASCADE,
    level smallint NOT NULL CHECK (level BETWEEN -2 AND 2),
    rated_on date NOT NULL,
    note text,
    rated_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX goal_ratings_goal ON goal_ratings (goal_id, rated_on, created_at);

-- Instruments are data: a definition per (key, version). A new version is a new row,
-- so assessments made with an older one keep their meaning and their scores.
CREATE TABLE instruments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    version int NOT NULL CHECK (version > 0),
    definition jsonb NOT NULL,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, version)
);

CREATE TABLE assessments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id),
    instrument_id uuid NOT NULL REFERENCES instruments (id),
    assessed_on date NOT NULL,
    answers jsonb NOT NULL,
    scores jsonb NOT NULL,
    recorded_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX assessments_client ON assessments (client_id, assessed_on, id);

CREATE TABLE strengths_cvs (
    client_id uuid PRIMARY KEY REFERENCES clients (id),
    summary text NOT NULL DEFAULT '',
    strengths text[] NOT NULL DEFAULT '{}',
    skills text[] NOT NULL DEFAULT '{}',
    experience jsonb NOT NULL DEFAULT '[]',
    interests text[] NOT NULL DEFAULT '{}',
    version int NOT NULL DEFAULT 1,
    updated_by uuid REFERENCES staff (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE continuation_plans (
    plan_id uuid PRIMARY KEY REFERENCES plans (id) ON DELETE CASCADE,
    next_step text NOT NULL CHECK (next_step IN (
        'education', 'employment', 'work_trial', 'rehabilitation', 'other_service', 'none'
    )),
    description text NOT NULL,
    target_date date,
    version int NOT NULL DEFAULT 1,
    updated_by uuid REFERENCES staff (id),
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One-to-one meetings: in the client's and the coaches' calendars, with reminders.
CREATE TABLE meetings (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    starts_at timestamptz NOT NULL,
    ends_at timestamptz NOT NULL,
    timezone text NOT NULL DEFAULT 'Europe/Helsinki',
    location_name text,
    location_address text,
    online_url text,
    status text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
    cancellation_reason text,
    revision int NOT NULL DEFAULT 0,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_plan ON meetings (plan_id, starts_at);
CREATE TRIGGER meetings_calendar AFTER INSERT OR UPDATE OR DELETE ON meetings
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER plan_coaches_calendar AFTER INSERT OR UPDATE OR DELETE ON plan_coaches
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();

-- Messages about a meeting point at it.
ALTER TABLE messages ADD COLUMN meeting_id uuid REFERENCES meetings (id);
CREATE INDEX messages_meeting ON messages (meeting_id) WHERE status = 'pending';

-- Confidential notes: only the plan's coaches and admins read them, and every read is
-- audited.
CREATE TABLE plan_notes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    plan_id uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    body text NOT NULL,
    author_id uuid NOT NULL REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX plan_notes_plan ON plan_notes (plan_id, created_at);

-- Reach now includes the coaches of a client's plans.
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
$$;
