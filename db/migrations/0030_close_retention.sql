-- Closing a client relationship, retention and legal holds (issue 21, point 3).
--
-- A closed client is reached only by the admins of its own organisation; nothing more is
-- sent to them; `retention_until` is ten years after the day it closed (Act 703/2023).
-- Once that day has passed and no legal hold stands, `polku retention run` (and the
-- worker, daily) erases the client: the person's rows and free text go, what a report
-- figure counts stays without anything that tells who it was, and the audit rows about
-- the client keep only ids. An erased client is reached by nobody.

ALTER TABLE clients
    ADD COLUMN closed_on date,
    ADD COLUMN closed_at timestamptz,
    ADD COLUMN closed_by uuid REFERENCES staff (id),
    ADD COLUMN close_reason text,
    ADD COLUMN retention_until date,
    ADD COLUMN erased_at timestamptz,
    ADD CONSTRAINT clients_closed_whole CHECK (
        (closed_on IS NULL) = (closed_at IS NULL)
        AND (closed_on IS NULL) = (retention_until IS NULL)
    ),
    ADD CONSTRAINT clients_erased_after_closing CHECK (erased_at IS NULL OR closed_on IS NOT NULL);
CREATE INDEX clients_retention_due ON clients (retention_until, id)
    WHERE retention_until IS NOT NULL AND erased_at IS NULL;

-- Keeps a record past its retention (a lawsuit, an appeal, an authority's request). At
-- most one hold stands per client; a lifted one is kept (who lifted it, when) until the
-- client is erased.
CREATE TABLE legal_holds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    reason text NOT NULL CHECK (reason <> ''),
    placed_by uuid NOT NULL REFERENCES staff (id),
    placed_at timestamptz NOT NULL DEFAULT now(),
    lifted_by uuid REFERENCES staff (id),
    lifted_at timestamptz,
    CHECK ((lifted_by IS NULL) = (lifted_at IS NULL))
);
CREATE UNIQUE INDEX legal_holds_standing ON legal_holds (client_id) WHERE lifted_at IS NULL;
CREATE INDEX legal_holds_client ON legal_holds (client_id, placed_at);

-- Reach: a closed client only by its own organisation's admins, an erased one by nobody.
-- The rest of the rule is 0014's, unchanged.
CREATE OR REPLACE FUNCTION can_reach_client(viewer uuid, client uuid)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer_organisation uuid;
    viewer_roles text[];
    client_organisation uuid;
    client_closed boolean;
    client_erased boolean;
BEGIN
    SELECT s.organisation_id, s.roles INTO viewer_organisation, viewer_roles
    FROM staff s
    WHERE s.id = viewer AND s.active AND s.roles && ARRAY['admin', 'coach', 'referrer'];
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT c.organisation_id, c.closed_at IS NOT NULL, c.erased_at IS NOT NULL
    INTO client_organisation, client_closed, client_erased
    FROM clients c WHERE c.id = client;
    IF NOT FOUND OR client_erased THEN
        RETURN false;
    END IF;
    IF viewer_organisation = client_organisation THEN
        IF 'admin' = ANY (viewer_roles) THEN
            RETURN true;
        END IF;
    ELSIF NOT client_shared_with(client, viewer_organisation) THEN
        RETURN false;
    END IF;
    IF client_closed THEN
        RETURN false;
    END IF;
    RETURN has_live_relationship(viewer, viewer_organisation, viewer_roles, client);
END
$$;

CREATE OR REPLACE FUNCTION reachable_among(viewer uuid, candidates uuid[])
RETURNS TABLE (client_id uuid) LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer_organisation uuid;
    viewer_roles text[];
BEGIN
    SELECT s.organisation_id, s.roles INTO viewer_organisation, viewer_roles
    FROM staff s
    WHERE s.id = viewer AND s.active AND s.roles && ARRAY['admin', 'coach', 'referrer'];
    IF NOT FOUND THEN
        RETURN;
    END IF;
    RETURN QUERY
    WITH asked AS (
        SELECT c.id, c.organisation_id = viewer_organisation AS own,
               c.closed_at IS NOT NULL AS closed
        FROM clients c WHERE c.id = ANY (candidates) AND c.erased_at IS NULL
    ), related AS (
        SELECT w.client_id FROM client_workers w
        WHERE w.staff_id = viewer AND w.client_id = ANY (candidates)
        UNION ALL
        SELECT p.client_id FROM plan_coaches pc JOIN plans p ON p.id = pc.plan_id
        WHERE pc.staff_id = viewer AND p.client_id = ANY (candidates)
          AND (p.ends_on IS NULL
               OR p.ends_on + 30 >= (now() AT TIME ZONE 'Europe/Helsinki')::date)
        UNION ALL
        SELECT e.client_id FROM enrolments e
        JOIN programme_staff ps
            ON ps.programme_id = e.programme_id AND ps.staff_id = viewer
           AND ps.role = 'facilitator'
        JOIN programmes p ON p.id = e.programme_id
        WHERE e.client_id = ANY (candidates) AND e.status IN ('enrolled', 'waitlisted')
          AND least(p.ends_at, p.cancelled_at) + interval '30 days' > now()
        UNION ALL
        SELECT r.client_id FROM referrals r
        WHERE r.client_id = ANY (candidates)
          AND (r.ended_at IS NULL OR r.ended_at + interval '30 days' > now())
          AND (r.referred_by = viewer
               OR (r.to_organisation_id = viewer_organisation
                   AND viewer_roles && CASE WHEN r.service_id IS NULL
                                            THEN ARRAY['admin', 'coach']
                                            ELSE ARRAY['admin', 'coach', 'referrer'] END)
               OR EXISTS (
                   SELECT FROM programme_staff ps
                   WHERE ps.programme_id = r.programme_id AND ps.staff_id = viewer
                     AND ps.role = 'facilitator'
               ))
    )
    SELECT a.id FROM asked a
    WHERE (a.own AND 'admin' = ANY (viewer_roles))
       OR (NOT a.closed
           AND a.id IN (SELECT related.client_id FROM related)
           AND (a.own OR client_shared_with(a.id, viewer_organisation)));
END
$$;

CREATE OR REPLACE FUNCTION reachable_clients(viewer uuid)
RETURNS TABLE (client_id uuid) LANGUAGE sql STABLE AS $$
    SELECT c.id FROM staff s JOIN clients c ON c.organisation_id = s.organisation_id
    WHERE s.id = viewer AND s.active AND 'admin' = ANY (s.roles) AND c.erased_at IS NULL
    UNION
    SELECT reached.client_id FROM reachable_among(viewer, ARRAY(
        SELECT w.client_id FROM client_workers w WHERE w.staff_id = viewer
        UNION
        SELECT p.client_id FROM plan_coaches pc JOIN plans p ON p.id = pc.plan_id
        WHERE pc.staff_id = viewer
        UNION
        SELECT e.client_id FROM programme_staff ps
        JOIN enrolments e ON e.programme_id = ps.programme_id
        WHERE ps.staff_id = viewer AND ps.role = 'facilitator'
          AND e.status IN ('enrolled', 'waitlisted')
        UNION
        SELECT r.client_id FROM referrals r WHERE r.referred_by = viewer
        UNION
        SELECT r.client_id FROM staff s
        JOIN referrals r ON r.to_organisation_id = s.organisation_id
        WHERE s.id = viewer AND (r.ended_at IS NULL OR r.ended_at > now() - interval '30 days')
        UNION
        SELECT r.client_id FROM programme_staff ps
        JOIN referrals r ON r.programme_id = ps.programme_id
        WHERE ps.staff_id = viewer AND ps.role = 'facilitator'
    )) reached
$$;

-- Closing ends reach, and staff feeds name the clients they reach (0019): a close or an
-- erasure drops the feeds API processes keep, as a change of name does.
CREATE OR REPLACE TRIGGER clients_calendar AFTER UPDATE ON clients
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
                       OR OLD.last_name IS DISTINCT FROM NEW.last_name
                       OR OLD.language IS DISTINCT FROM NEW.language
                       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id
                       OR OLD.closed_at IS DISTINCT FROM NEW.closed_at
                       OR OLD.erased_at IS DISTINCT FROM NEW.erased_at)
    EXECUTE FUNCTION notify_calendar_change();

-- Nothing is sent to a closed client: a message written for one after it closed (a
-- group's session moved, say) is born cancelled, wherever in the code it was written.
CREATE FUNCTION cancel_messages_to_closed_clients() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM clients c WHERE c.id = NEW.client_id AND c.closed_at IS NOT NULL)
    THEN
        NEW.status := 'cancelled';
        NEW.status_reason := 'the client relationship is closed';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER messages_to_closed_clients BEFORE INSERT ON messages
    FOR EACH ROW WHEN (NEW.client_id IS NOT NULL AND NEW.status = 'pending')
    EXECUTE FUNCTION cancel_messages_to_closed_clients();

-- Audit rows about an erased client keep only ids. What an id is: a uuid string; every
-- other value in `detail` (names, texts, numbers, field lists) goes.
CREATE FUNCTION audit_ids_only(detail jsonb) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    kept jsonb;
    entry record;
    value jsonb;
BEGIN
    IF detail IS NULL THEN
        RETURN NULL;
    END IF;
    CASE jsonb_typeof(detail)
    WHEN 'object' THEN
        kept := '{}';
        FOR entry IN SELECT * FROM jsonb_each(detail) LOOP
            value := audit_ids_only(entry.value);
            IF value IS NOT NULL THEN
                kept := kept || jsonb_build_object(entry.key, value);
            END IF;
        END LOOP;
        RETURN kept;
    WHEN 'array' THEN
        kept := '[]';
        FOR value IN SELECT audit_ids_only(element) FROM jsonb_array_elements(detail) element
        LOOP
            IF value IS NOT NULL THEN
                kept := kept || jsonb_build_array(value);
            END IF;
        END LOOP;
        RETURN kept;
    WHEN 'string' THEN
        IF detail #>> '{}' ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
        THEN
            RETURN detail;
        END IF;
        RETURN NULL;
    ELSE
        RETURN NULL;
    END CASE;
END
$$;

CREATE FUNCTION audit_subject_id_only(subject_id text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF subject_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
        RETURN subject_id;
    END IF;
    RETURN NULL;
END
$$;

-- Audit rows stay append-only, with one exception that the trigger itself checks: the
-- row of an erased client (its subject or its actor) may lose what is not an id, and
-- nothing else may change. polku_app still may not UPDATE audit_events; it asks
-- scrub_erased_client_audit, which runs with the owner's rights and does only that.
CREATE OR REPLACE FUNCTION refuse_audit_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND (NEW.id, NEW.occurred_at, NEW.actor_id, NEW.action, NEW.client_id,
            NEW.subject_type, NEW.outcome, NEW.request_id, NEW.actor_client_id)
           IS NOT DISTINCT FROM
           (OLD.id, OLD.occurred_at, OLD.actor_id, OLD.action, OLD.client_id,
            OLD.subject_type, OLD.outcome, OLD.request_id, OLD.actor_client_id)
       AND NEW.detail IS NOT DISTINCT FROM audit_ids_only(OLD.detail)
       AND NEW.subject_id IS NOT DISTINCT FROM audit_subject_id_only(OLD.subject_id)
       AND EXISTS (
           SELECT FROM clients c
           WHERE c.id IN (OLD.client_id, OLD.actor_client_id) AND c.erased_at IS NOT NULL
       )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only' USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE INDEX audit_events_actor_client ON audit_events (actor_client_id, id)
    WHERE actor_client_id IS NOT NULL;

CREATE FUNCTION scrub_erased_client_audit(client uuid) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    scrubbed bigint := 0;
    more bigint;
BEGIN
    IF NOT EXISTS (SELECT FROM clients c WHERE c.id = client AND c.erased_at IS NOT NULL) THEN
        RAISE EXCEPTION 'client % is not erased', client USING ERRCODE = 'insufficient_privilege';
    END IF;
    UPDATE audit_events
    SET detail = audit_ids_only(detail), subject_id = audit_subject_id_only(subject_id)
    WHERE client_id = client
      AND (detail IS DISTINCT FROM audit_ids_only(detail)
           OR subject_id IS DISTINCT FROM audit_subject_id_only(subject_id));
    GET DIAGNOSTICS scrubbed = ROW_COUNT;
    UPDATE audit_events
    SET detail = audit_ids_only(detail), subject_id = audit_subject_id_only(subject_id)
    WHERE actor_client_id = client AND client_id IS DISTINCT FROM client
      AND (detail IS DISTINCT FROM audit_ids_only(detail)
           OR subject_id IS DISTINCT FROM audit_subject_id_only(subject_id));
    GET DIAGNOSTICS more = ROW_COUNT;
    RETURN scrubbed + more;
END
$$;
REVOKE ALL ON FUNCTION scrub_erased_client_audit(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION scrub_erased_client_audit(uuid) TO polku_app;

-- What erasing a client looks rows up by (and what its cascades and foreign-key checks
-- look up), so that a pass over thousands of clients reads no table whole.
CREATE INDEX inbound_sms_client ON inbound_sms (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX notices_client ON notices (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX notices_inbound_sms ON notices (inbound_sms_id) WHERE inbound_sms_id IS NOT NULL;
CREATE INDEX series_sequences_client ON series_sequences (client_id);
CREATE INDEX attention_flags_client ON attention_flags (client_id);
CREATE INDEX calendar_feeds_of_client ON calendar_feeds (client_id) WHERE client_id IS NOT NULL;
CREATE INDEX client_page_links_client ON client_page_links (client_id);
CREATE INDEX messages_of_meeting ON messages (meeting_id) WHERE meeting_id IS NOT NULL;

-- Erase one client whose retention has ended and on whom no hold stands (checked again
-- here, on a fresh snapshot, so a hold placed a moment ago wins). The caller holds the
-- client's row locked. Returns false, changing nothing, for any other client.
--
-- Kept, because a figure of a report for a past period counts it (outcomes report, ESF+
-- export, a group's report): the tombstone of the client row (id, organisation, gender,
-- birth date for the ESF+ age group, home municipality and the non-disclosure mark for
-- the ESF+ export, labour-market status and education level, the dates of closing),
-- enrolments with their dates, statuses and withdrawal reasons (reports group drop-outs
-- by them), attendance marks, plans with their entry codes, goals' weights and baselines
-- and their ratings' levels, continuation steps, assessment scores, referrals' statuses,
-- dates and rejection reasons, exits and follow-ups, the ESF+ special-category answers,
-- feedback's yes/no answers, consents (which decide whether a partner's report is
-- exact). Everything else about the person goes: names, contact details, free texts,
-- notes, the CV, messages and their delivery log, SMS replies, notices, page and feed
-- links, answers on the page, holds.
CREATE FUNCTION erase_client(client uuid) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM clients c
        WHERE c.id = client AND c.erased_at IS NULL AND c.retention_until IS NOT NULL
          AND c.retention_until < (now() AT TIME ZONE 'Europe/Helsinki')::date
    ) OR EXISTS (SELECT FROM legal_holds h WHERE h.client_id = client AND h.lifted_at IS NULL)
    THEN
        RETURN false;
    END IF;

    -- The record's history (migration 0031) keeps nothing of what is erased: the
    -- blanking below is not recorded, and the history goes.
    PERFORM set_config('polku.record_changes', 'off', true);

    -- Gone.
    DELETE FROM client_record_changes WHERE client_id = client;
    DELETE FROM access_requests WHERE client_id = client;
    DELETE FROM messages WHERE client_id = client;
    -- A coach's own messages about the client's meetings go with the meetings.
    DELETE FROM messages WHERE meeting_id IN (
        SELECT m.id FROM meetings m JOIN plans p ON p.id = m.plan_id WHERE p.client_id = client
    );
    DELETE FROM meetings WHERE plan_id IN (SELECT id FROM plans WHERE client_id = client);
    DELETE FROM plan_notes WHERE plan_id IN (SELECT id FROM plans WHERE client_id = client);
    DELETE FROM assessment_requests WHERE client_id = client;
    DELETE FROM strengths_cvs WHERE client_id = client;
    DELETE FROM client_page_links WHERE client_id = client;
    DELETE FROM calendar_feeds WHERE client_id = client;
    DELETE FROM rsvps WHERE client_id = client;
    DELETE FROM notices WHERE client_id = client;
    DELETE FROM inbound_sms WHERE client_id = client;
    DELETE FROM attention_flags WHERE client_id = client;
    DELETE FROM series_sequences WHERE client_id = client;
    DELETE FROM client_workers WHERE client_id = client;
    DELETE FROM legal_holds WHERE client_id = client;

    -- Kept for the figures, without its free text.
    UPDATE goals SET title = '', levels = '{}'
    WHERE plan_id IN (SELECT id FROM plans WHERE client_id = client);
    UPDATE goal_ratings SET note = NULL
    WHERE note IS NOT NULL AND goal_id IN (
        SELECT g.id FROM goals g JOIN plans p ON p.id = g.plan_id WHERE p.client_id = client
    );
    UPDATE continuation_plans SET description = ''
    WHERE plan_id IN (SELECT id FROM plans WHERE client_id = client);
    UPDATE assessments SET answers = '{}' WHERE client_id = client;
    UPDATE referral_events SET reason = NULL
    WHERE reason IS NOT NULL
      AND referral_id IN (SELECT id FROM referrals WHERE client_id = client);
    UPDATE referrals SET reason = '', needs = NULL WHERE client_id = client;
    UPDATE programme_feedback SET comment = NULL WHERE client_id = client;
    UPDATE participant_support SET note = NULL WHERE client_id = client AND note IS NOT NULL;
    UPDATE consents SET revocation_reason = NULL
    WHERE client_id = client AND revocation_reason IS NOT NULL;
    UPDATE follow_ups SET status = 'cancelled'
    WHERE client_id = client AND status IN ('scheduled', 'asked');
    UPDATE clients
    SET first_name = '', last_name = '', email = NULL, phone = NULL, close_reason = NULL,
        erased_at = now(), updated_at = now()
    WHERE id = client;

    PERFORM set_config('polku.record_changes', '', true);
    PERFORM scrub_erased_client_audit(client);
    RETURN true;
END
$$;
