-- Where each client's path may stop, kept by the writes instead of found on every read.
--
-- The stalled list and the work list's exits asked, for each of a worker's two hundred
-- clients, four or five questions of referrals, enrolments, plans, continuation plans,
-- flags and exits: a thousand index lookups on every read of a work list. This table
-- holds, per client, the waits that can become a break, with the moment each started;
-- whether a wait has lasted long enough is still decided when it is read, because that
-- depends on the day (five working days, fourteen days, an end that has passed).
--
--   kind              since                        a break when (decided by the reader)
--   no_answer         referral sent                five working days without an answer
--   not_started       referral accepted            fourteen days without a start
--   no_continuation   group ended / plan ended     the end has passed (no next step since)
--   repeated_absence  flag raised                  at once, until resolved
--   exit_due          left a group / plan ended    no exit recorded since; shown 4 weeks
--
-- client_open_paths(client) is the one definition; the triggers below refresh a
-- client's rows whenever a row it reads changes, under a per-client lock so that two
-- transactions changing the same client cannot leave the rows of a snapshot that missed
-- the other's change.
CREATE TABLE open_paths (
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN (
        'no_answer', 'not_started', 'no_continuation', 'repeated_absence', 'exit_due'
    )),
    since timestamptz NOT NULL,
    referral_id uuid,
    programme_id uuid,
    plan_id uuid,
    CHECK (num_nonnulls(referral_id, programme_id, plan_id) = 1)
);
CREATE INDEX open_paths_client ON open_paths (client_id, since);

CREATE FUNCTION client_open_paths(client uuid)
RETURNS TABLE (kind text, since timestamptz, referral_id uuid, programme_id uuid,
               plan_id uuid)
LANGUAGE sql STABLE AS $$
    -- A referral waiting for an answer, or accepted and waiting for the client to start.
    SELECT CASE WHEN r.status = 'accepted' THEN 'not_started' ELSE 'no_answer' END,
           CASE WHEN r.status = 'accepted' THEN r.accepted_at ELSE r.created_at END,
           r.id, NULL::uuid, NULL::uuid
    FROM referrals r
    WHERE r.client_id = client AND r.status IN ('requested', 'received', 'accepted')
    UNION ALL
    -- A group the client stayed in to the end, and no next step since it began: no
    -- continuation plan and no new referral.
    SELECT 'no_continuation', p.ends_at, NULL, p.id, NULL
    FROM enrolments e JOIN programmes p ON p.id = e.programme_id
    WHERE e.client_id = client AND e.status = 'enrolled' AND p.cancelled_at IS NULL
      AND NOT EXISTS (
          SELECT FROM plans pl JOIN continuation_plans c ON c.plan_id = pl.id
          WHERE pl.client_id = e.client_id AND c.updated_at >= p.starts_at)
      AND NOT EXISTS (
          SELECT FROM referrals r2
          WHERE r2.client_id = e.client_id AND r2.created_at >= p.ends_at
            AND r2.programme_id IS DISTINCT FROM p.id)
    UNION ALL
    -- A coaching plan with an end and no continuation plan: a break from the day after.
    SELECT 'no_continuation', (pl.ends_on + 1)::timestamp AT TIME ZONE 'Europe/Helsinki',
           NULL, NULL, pl.id
    FROM plans pl
    WHERE pl.client_id = client AND pl.ends_on IS NOT NULL
      AND NOT EXISTS (SELECT FROM continuation_plans c WHERE c.plan_id = pl.id)
    UNION ALL
    SELECT 'repeated_absence', f.since, NULL, f.programme_id, NULL
    FROM attention_flags f
    WHERE f.client_id = client AND f.resolved_at IS NULL
    UNION ALL
    -- Left a group (withdrew, or stayed to its end) with no exit recorded since.
    SELECT 'exit_due', coalesce(e.withdrawn_at, p.ends_at), NULL, p.id, NULL
    FROM enrolments e JOIN programmes p ON p.id = e.programme_id
    WHERE e.client_id = client
      AND e.status IN ('withdrawn', 'enrolled')
      AND NOT EXISTS (SELECT FROM exits x WHERE x.client_id = e.client_id
                      AND x.left_on >= (coalesce(e.withdrawn_at, p.ends_at)
                                        AT TIME ZONE 'Europe/Helsinki')::date)
    UNION ALL
    -- A coaching plan that ended (its last day) with no exit recorded since.
    SELECT 'exit_due', pl.ends_on::timestamp AT TIME ZONE 'Europe/Helsinki', NULL, NULL, pl.id
    FROM plans pl
    WHERE pl.client_id = client AND pl.ends_on IS NOT NULL
      AND NOT EXISTS (SELECT FROM exits x WHERE x.client_id = pl.client_id
                      AND x.left_on >= pl.ends_on)
$$;

CREATE FUNCTION refresh_open_paths(clients uuid[])
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    -- Most statements on the watched tables change no one's waits (an attendance update
    -- asks to open and resolve flags whether or not there are any).
    IF cardinality(clients) = 0 THEN
        RETURN;
    END IF;
    -- One of 256 locks per client, so that a bulk change (a COPY, this migration)
    -- takes at most 256, and sorted, so that two transactions locking several cannot
    -- wait on each other in a circle. The statements after the locks see what a
    -- transaction that held one committed: each takes its own snapshot (READ COMMITTED).
    PERFORM pg_advisory_xact_lock(hashtext('open_paths'), slot)
    FROM (SELECT DISTINCT abs(hashtext(c::text) % 256) AS slot
          FROM unnest(clients) AS c ORDER BY 1) AS s;
    DELETE FROM open_paths WHERE client_id = ANY (clients);
    INSERT INTO open_paths (client_id, kind, since, referral_id, programme_id, plan_id)
    SELECT c.id, o.kind, o.since, o.referral_id, o.programme_id, o.plan_id
    FROM clients c CROSS JOIN LATERAL client_open_paths(c.id) AS o
    WHERE c.id = ANY (clients) AND c.erased_at IS NULL AND o.since IS NOT NULL;
END
$$;

-- Triggers: one per table and event (a trigger with transition tables takes one event),
-- each refreshing the clients of the rows the statement changed, once per statement,
-- so a bulk COPY refreshes in one pass. `changed` holds the rows inserted, deleted, or
-- as they are after an update; `changed_before`, an update's rows as they were (a row
-- may have moved from one client to another).
CREATE FUNCTION open_paths_follow_clients() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[] := ARRAY(SELECT client_id FROM changed);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        touched := touched || ARRAY(SELECT client_id FROM changed_before);
    END IF;
    PERFORM refresh_open_paths(touched);
    RETURN NULL;
END
$$;

CREATE FUNCTION open_paths_follow_plans() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    touched uuid[] := ARRAY(
        SELECT pl.client_id FROM changed c JOIN plans pl ON pl.id = c.plan_id);
BEGIN
    IF TG_OP = 'UPDATE' THEN
        touched := touched || ARRAY(
            SELECT pl.client_id FROM changed_before c JOIN plans pl ON pl.id = c.plan_id);
    END IF;
    PERFORM refresh_open_paths(touched);
    RETURN NULL;
END
$$;

-- A group's dates or cancellation change every enrolled client's waits.
CREATE FUNCTION open_paths_follow_programmes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM refresh_open_paths(ARRAY(
        SELECT DISTINCT e.client_id
        FROM changed n JOIN changed_before o ON o.id = n.id
        JOIN enrolments e ON e.programme_id = n.id
        WHERE (n.starts_at, n.ends_at, n.cancelled_at)
              IS DISTINCT FROM (o.starts_at, o.ends_at, o.cancelled_at)));
    RETURN NULL;
END
$$;

DO $$
DECLARE
    watched text;
    follow text;
BEGIN
    FOR watched, follow IN VALUES
        ('referrals', 'open_paths_follow_clients'),
        ('enrolments', 'open_paths_follow_clients'),
        ('plans', 'open_paths_follow_clients'),
        ('attention_flags', 'open_paths_follow_clients'),
        ('exits', 'open_paths_follow_clients'),
        ('continuation_plans', 'open_paths_follow_plans')
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS '
                       'changed FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       watched || '_open_paths_insert', watched, follow);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS '
                       'changed_before NEW TABLE AS changed FOR EACH STATEMENT '
                       'EXECUTE FUNCTION %I()',
                       watched || '_open_paths_update', watched, follow);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS '
                       'changed FOR EACH STATEMENT EXECUTE FUNCTION %I()',
                       watched || '_open_paths_delete', watched, follow);
    END LOOP;
END
$$;

CREATE TRIGGER programmes_open_paths_update AFTER UPDATE ON programmes
REFERENCING OLD TABLE AS changed_before NEW TABLE AS changed
FOR EACH STATEMENT EXECUTE FUNCTION open_paths_follow_programmes();

-- Erasure keeps a client's referrals, enrolments and plans for the figures, but no one
-- waits for an erased client any more: their waits go, whatever erasure touched first.
CREATE FUNCTION open_paths_forget_erased() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM open_paths WHERE client_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER clients_open_paths_erased AFTER UPDATE OF erased_at ON clients
FOR EACH ROW WHEN (NEW.erased_at IS NOT NULL AND OLD.erased_at IS NULL)
EXECUTE FUNCTION open_paths_forget_erased();

-- Reach asked of a caseload answers about as many rows as a caseload has, not the
-- thousand a set-returning function is assumed to: with that guess the planner read a
-- whole table by hash instead of looking up the few hundred rows it needed.
ALTER FUNCTION reachable_among(uuid, uuid[]) ROWS 100;

SELECT refresh_open_paths(ARRAY(SELECT id FROM clients));
