-- Outcomes over time (issue 20, first slice): the situation upon leaving a group or a
-- plan (ESF+ EECR01/EECR04: within four weeks of leaving, the latest record counting)
-- and the follow-up six months on, which Polku asks itself.

CREATE TABLE exits (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    programme_id uuid REFERENCES programmes (id),
    plan_id uuid REFERENCES plans (id),
    left_on date NOT NULL,
    situation text NOT NULL CHECK (situation IN (
        'employed', 'self_employed', 'education', 'job_seeking', 'training', 'inactive',
        'unknown'
    )),
    recorded_by uuid NOT NULL REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(programme_id, plan_id) <= 1)
);
CREATE INDEX exits_client ON exits (client_id, recorded_at DESC);

-- One open follow-up per client: a later exit moves it rather than adding another.
-- 'asked' once the question went out; an answer from the client (SMS) or a worker
-- closes it.
CREATE TABLE follow_ups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    exit_id uuid NOT NULL REFERENCES exits (id) ON DELETE CASCADE,
    due_on date NOT NULL,
    status text NOT NULL DEFAULT 'scheduled'
        CHECK (status IN ('scheduled', 'asked', 'answered', 'cancelled')),
    asked_at timestamptz,
    situation text CHECK (situation IN (
        'employed', 'self_employed', 'education', 'job_seeking', 'training', 'inactive',
        'unknown'
    )),
    recorded_on date,
    source text CHECK (source IN ('client', 'worker')),
    recorded_by uuid REFERENCES staff (id),
    answered_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'answered') = (situation IS NOT NULL AND source IS NOT NULL))
);
CREATE UNIQUE INDEX follow_ups_open ON follow_ups (client_id)
    WHERE status IN ('scheduled', 'asked');
CREATE INDEX follow_ups_due ON follow_ups (due_on) WHERE status = 'scheduled';

ALTER TABLE messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (
    kind IN (
        'invite', 'update', 'cancellation', 'reminder', 'notice', 'page_link', 'reply',
        'follow_up'
    )
);

ALTER TABLE inbound_sms DROP CONSTRAINT inbound_sms_handled_as_check;
ALTER TABLE inbound_sms ADD CONSTRAINT inbound_sms_handled_as_check CHECK (
    handled_as IN ('rsvp', 'opt_out', 'forwarded', 'unknown_sender', 'follow_up')
);

-- A client's situation upon leaving (the latest exit record) and six months on (the
-- latest answered follow-up), and whether a six-month question has been asked: what
-- the reports count.
CREATE FUNCTION situations_of(client uuid, OUT upon_leaving text, OUT six_months text,
                              OUT asked boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    SELECT x.situation INTO upon_leaving FROM exits x WHERE x.client_id = client
    ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1;
    SELECT f.situation INTO six_months FROM follow_ups f
    WHERE f.client_id = client AND f.status = 'answered'
    ORDER BY f.answered_at DESC, f.id DESC LIMIT 1;
    asked := EXISTS (SELECT FROM follow_ups f WHERE f.client_id = client
                     AND f.status IN ('asked', 'answered'));
END
$$;
