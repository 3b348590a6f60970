-- Scheduled messages (the transactional outbox) and calendar feeds.

-- The series' SEQUENCE in calendar invites: grows with every change to the whole
-- programme (place, link, cancellation). A session's own changes add its revision.
ALTER TABLE programmes ADD COLUMN ical_sequence int NOT NULL DEFAULT 0;

-- Every invite, update, cancellation and reminder is a row here, written in the
-- same transaction as the change that caused it. The worker sends due rows;
-- Redis only carries the near-term jobs.
CREATE TABLE messages (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid REFERENCES clients (id),
    staff_id uuid REFERENCES staff (id),
    kind text NOT NULL CHECK (kind IN ('invite', 'update', 'cancellation', 'reminder', 'notice')),
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    programme_id uuid REFERENCES programmes (id),
    session_id uuid REFERENCES sessions (id),
    -- What a notice is about (a referral's status change, say).
    subject_type text,
    subject_id uuid,
    -- For a reminder: the offset it was planned with (P1D, PT2H).
    offset_spec text,
    scheduled_for timestamptz NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (
        status IN ('pending', 'sending', 'sent', 'failed', 'skipped', 'cancelled')
    ),
    attempts int NOT NULL DEFAULT 0,
    -- A worker that claimed the row owns it until then; after that it counts as
    -- an attempt that did not finish.
    claimed_until timestamptz,
    enqueued_at timestamptz,
    sent_at timestamptz,
    status_reason text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((client_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX messages_due ON messages (scheduled_for) WHERE status = 'pending';
CREATE INDEX messages_claimed ON messages (claimed_until) WHERE status = 'sending';
CREATE INDEX messages_client ON messages (client_id, scheduled_for DESC, id) WHERE client_id IS NOT NULL;
CREATE INDEX messages_session ON messages (session_id) WHERE status = 'pending';
CREATE INDEX messages_programme ON messages (programme_id) WHERE status = 'pending';

-- Subscription links: the token is shown once and stored only as a digest.
CREATE TABLE calendar_feeds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE,
    client_id uuid REFERENCES clients (id),
    staff_id uuid REFERENCES staff (id),
    programme_id uuid REFERENCES programmes (id),
    created_by uuid NOT NULL REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    revoked_at timestamptz,
    last_fetched_at timestamptz,
    CHECK (num_nonnulls(client_id, staff_id, programme_id) = 1)
);
CREATE UNIQUE INDEX calendar_feeds_client ON calendar_feeds (client_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX calendar_feeds_staff ON calendar_feeds (staff_id) WHERE revoked_at IS NULL;
CREATE UNIQUE INDEX calendar_feeds_programme ON calendar_feeds (programme_id)
    WHERE revoked_at IS NULL;
