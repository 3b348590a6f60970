-- Participant support (issue 19, point 4): what a participant was given at a group
-- session so that taking part cost them nothing — a bus ticket, a ride, a taxi, a meal —
-- in euros as an exact decimal (numeric(10,2), never a float), and who gave it when.
-- A mistaken entry is deleted (the audit trail keeps who deleted what).

CREATE TABLE participant_support (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- The session's programme, kept beside the session (a session never changes
    -- programme) so that a programme's list and the organisation report read one index.
    programme_id uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('bus_ticket', 'ride', 'taxi', 'meal', 'other')),
    amount_eur numeric(10, 2) NOT NULL CHECK (amount_eur >= 0 AND amount_eur <= 1000),
    note text CHECK (length(note) <= 500),
    given_by uuid NOT NULL REFERENCES staff (id),
    given_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participant_support_programme ON participant_support (programme_id, session_id);
CREATE INDEX participant_support_client ON participant_support (client_id);
CREATE INDEX participant_support_session ON participant_support (session_id);
