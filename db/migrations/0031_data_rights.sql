-- Data rights (issue 21, points 1, 2 and 5): a client's requests to see what Polku
-- holds on them, answered within one calendar month by the export, and the history of
-- every change to a client record (rectification: who, when, old → new).

-- A client asked what is held on them (GDPR art. 15). Due one calendar month after it
-- was received (computed in service/composers/export/rules.py); answered by an admin of
-- the client's organisation with the export, whose SHA-256 digest is kept as the proof
-- of what was given (the export itself is not kept twice).
CREATE TABLE access_requests (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    received_on date NOT NULL,
    due_on date NOT NULL CHECK (due_on > received_on),
    recorded_by uuid NOT NULL REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz,
    answered_by uuid REFERENCES staff (id),
    export_sha256 bytea,
    CHECK ((answered_at IS NULL) = (answered_by IS NULL)),
    CHECK ((answered_at IS NULL) = (export_sha256 IS NULL))
);
CREATE INDEX access_requests_client ON access_requests (client_id, received_on);
CREATE INDEX access_requests_waiting ON access_requests (due_on, id) WHERE answered_at IS NULL;

-- Every change to a client record, one row per field: who (the staff member the request
-- named with set_config('polku.actor_id', …, true); NULL for the system), when, the
-- value before and after. Written by a trigger, so no path that changes a record
-- forgets it and a column added later has its history from the start. The application
-- may add and (for erasure) delete rows, never change one.
CREATE TABLE client_record_changes (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    changed_at timestamptz NOT NULL DEFAULT now(),
    changed_by uuid REFERENCES staff (id),
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb
);
CREATE INDEX client_record_changes_client ON client_record_changes (client_id, id);
REVOKE UPDATE ON client_record_changes FROM polku_app;

-- Columns that are no part of what the client told or was told: the row's identity,
-- bookkeeping, and what PostgreSQL derives from other columns. A retention erasure that
-- blanks a record sets polku.record_changes to 'off' for its transaction, so the values
-- it erases are not kept here as history.
CREATE FUNCTION record_client_changes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    actor uuid := nullif(current_setting('polku.actor_id', true), '')::uuid;
BEGIN
    IF coalesce(current_setting('polku.record_changes', true), '') = 'off' THEN
        RETURN NULL;
    END IF;
    INSERT INTO client_record_changes (client_id, changed_by, field, old_value, new_value)
    SELECT NEW.id, actor, n.key, o.value, n.value
    FROM jsonb_each(to_jsonb(NEW)) n
    JOIN jsonb_each(to_jsonb(OLD)) o ON o.key = n.key
    WHERE n.value IS DISTINCT FROM o.value
      AND n.key NOT IN (
          'id', 'created_at', 'created_by', 'updated_at', 'sort_name', 'phone_e164'
      )
    ORDER BY n.key;
    RETURN NULL;
END
$$;
CREATE TRIGGER clients_record_changes AFTER UPDATE ON clients
    FOR EACH ROW WHEN (OLD IS DISTINCT FROM NEW)
    EXECUTE FUNCTION record_client_changes();
