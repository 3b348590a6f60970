-- The audit trail, one table per month.
--
-- Every read of a client appends a row, for as long as the database lives: at national
-- scale that is hundreds of millions of rows. Split by the month they were written, each
-- month is a table of its own with its own indexes: a month that is done is never
-- written again (vacuum leaves it alone), a backup or an archive can take one month at a
-- time, and a keeping limit, if the law or the controller ever sets one, ends a month by
-- dropping its table instead of deleting a hundred million rows one by one.
--
-- The rules stay as they were: polku_app may only insert and read, through
-- audit_events; the triggers refuse updates, deletes and truncation, on every month.
-- polku_app has no rights on the month tables themselves (the owner's default
-- privileges would grant them; each month takes them away when it is made).
--
-- Months are made ahead, by the worker every day (ensure_audit_months, three months
-- ahead), and here, from the oldest row kept to three months ahead. There is no default
-- month: a row that finds no month fails its write rather than land somewhere no keeping
-- rule reaches, and /health/ready says when fewer than a month is left.

ALTER TABLE audit_events RENAME TO audit_events_unsplit;
ALTER SEQUENCE audit_events_id_seq RENAME TO audit_events_unsplit_id_seq;
ALTER INDEX audit_events_pkey RENAME TO audit_events_unsplit_pkey;
ALTER INDEX audit_events_client RENAME TO audit_events_unsplit_client;
ALTER INDEX audit_events_actor RENAME TO audit_events_unsplit_actor;
ALTER INDEX audit_events_actor_client RENAME TO audit_events_unsplit_actor_client;

CREATE TABLE audit_events (
    id bigint GENERATED ALWAYS AS IDENTITY,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor_id uuid,
    action text NOT NULL,
    client_id uuid,
    subject_type text,
    subject_id text,
    outcome text NOT NULL DEFAULT 'ok'
        CONSTRAINT audit_events_outcome_check CHECK (outcome IN ('ok', 'denied')),
    request_id text,
    detail jsonb,
    actor_client_id uuid,
    CONSTRAINT audit_events_one_actor CHECK (actor_id IS NULL OR actor_client_id IS NULL),
    PRIMARY KEY (id, occurred_at)
) PARTITION BY RANGE (occurred_at);
CREATE INDEX audit_events_client ON audit_events (client_id, id) WHERE client_id IS NOT NULL;
CREATE INDEX audit_events_actor ON audit_events (actor_id, id);
CREATE INDEX audit_events_actor_client ON audit_events (actor_client_id, id)
    WHERE actor_client_id IS NOT NULL;
REVOKE UPDATE, DELETE, TRUNCATE ON audit_events FROM polku_app;

CREATE TRIGGER audit_events_append_only
    BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_events_no_truncate
    BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

-- The months from `first` to `last` that do not exist yet, made (the owner's tool: the
-- migration, the bench's generator). A month runs from midnight UTC on its first day.
CREATE FUNCTION create_audit_months(first date, last date) RETURNS integer
LANGUAGE plpgsql SET search_path = public, pg_temp AS $$
DECLARE
    month date := date_trunc('month', first)::date;
    month_table text;
    made integer := 0;
BEGIN
    -- Two callers at once (the worker starting twice) make each month once.
    PERFORM pg_advisory_xact_lock(hashtext('audit_events months'));
    WHILE month <= last LOOP
        month_table := 'audit_events_' || to_char(month, 'YYYY_MM');
        -- A table of that name that is no month of the trail (one detached to archive
        -- it, say) stops the making with "already exists" rather than be taken back.
        IF NOT EXISTS (SELECT FROM pg_inherits i
                       WHERE i.inhparent = 'audit_events'::regclass
                         AND i.inhrelid = to_regclass(month_table)) THEN
            EXECUTE format(
                'CREATE TABLE %I PARTITION OF audit_events FOR VALUES FROM (%L) TO (%L)',
                month_table,
                to_char(month, 'YYYY-MM-DD') || ' 00:00+00',
                to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00+00'
            );
            EXECUTE format('REVOKE ALL ON %I FROM polku_app', month_table);
            -- Truncating a month directly would not fire the trigger of audit_events.
            EXECUTE format(
                'CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I '
                'FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change()',
                month_table
            );
            made := made + 1;
        END IF;
        month := (month + interval '1 month')::date;
    END LOOP;
    RETURN made;
END
$$;
REVOKE ALL ON FUNCTION create_audit_months(date, date) FROM PUBLIC;

-- What the worker may ask: this month and the next three, nothing else.
CREATE FUNCTION ensure_audit_months() RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT create_audit_months(
        (now() AT TIME ZONE 'UTC')::date,
        ((now() AT TIME ZONE 'UTC') + interval '3 months')::date
    );
$$;
REVOKE ALL ON FUNCTION ensure_audit_months() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ensure_audit_months() TO polku_app;

-- The first moment no month holds yet: /health/ready compares it with now.
CREATE FUNCTION audit_months_end() RETURNS timestamptz
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT max(to_date(substr(c.relname, 14), 'YYYY_MM') + interval '1 month')
           AT TIME ZONE 'UTC'
    FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    WHERE i.inhparent = 'audit_events'::regclass
      AND c.relname ~ '^audit_events_[0-9]{4}_[0-9]{2}$';
$$;
REVOKE ALL ON FUNCTION audit_months_end() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION audit_months_end() TO polku_app;

SELECT create_audit_months(
    coalesce((SELECT min(occurred_at) AT TIME ZONE 'UTC' FROM audit_events_unsplit)::date,
             (now() AT TIME ZONE 'UTC')::date),
    ((now() AT TIME ZONE 'UTC') + interval '3 months')::date
);
INSERT INTO audit_events OVERRIDING SYSTEM VALUE
SELECT id, occurred_at, actor_id, action, client_id, subject_type, subject_id, outcome,
       request_id, detail, actor_client_id
FROM audit_events_unsplit;
SELECT setval(pg_get_serial_sequence('audit_events', 'id'),
              coalesce((SELECT max(id) FROM audit_events_unsplit), 0) + 1, false);
DROP TABLE audit_events_unsplit;
