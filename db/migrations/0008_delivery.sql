-- Calendar invites to a client who leaves a group and comes back.

-- Every time a client joins or leaves a programme's series after their first
-- join, this grows by one; it is added to the SEQUENCE of everything they are
-- sent about the programme, so a re-enrolment's invite outranks the
-- cancellation their withdrawal sent (calendars ignore an invite whose SEQUENCE
-- is not above the one they hold). changed_at stands in for DTSTAMP when it is
-- later than the programme's last change.
CREATE TABLE series_sequences (
    programme_id uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    added int NOT NULL DEFAULT 0,
    changed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (programme_id, client_id)
);

-- Everything sent before this table existed carried 0: the next join or leave of
-- anyone already in a programme's history must go above it.
INSERT INTO series_sequences (programme_id, client_id)
SELECT DISTINCT programme_id, client_id FROM enrolments;
