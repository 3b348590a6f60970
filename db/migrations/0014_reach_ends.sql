-- Reach follows live relationships only (API.md, "Who reaches a client"). A staff member
-- reaches a client while their account is active, has a client-work role (admin, coach,
-- referrer) and one of these holds:
--   * they are a responsible worker of the client (until removed);
--   * they are a side of a referral of the client that is open, or closed less than
--     30 days ago (the referrer; the receiving organisation's coaches and admins, for a
--     service its referrers too; the facilitators of the programme referred to);
--   * they facilitate a group the client is enrolled or waitlisted in, until 30 days
--     past its last session (a withdrawal ends it at once);
--   * they coach a plan of the client that is open, or ended less than 30 days ago;
--   * they are an admin of the client's own organisation (always).
-- Reach into a client of another organisation (every relationship but the last) holds
-- only while a valid data_sharing consent of the client covers the staff member's
-- organisation, checked at every call.
--
-- can_reach_client decides for one client, reachable_among for many at once (set by set),
-- reachable_clients lists every client one viewer reaches; service/reach.py is the door
-- to them from the code.

CREATE OR REPLACE FUNCTION client_shared_with(client uuid, organisation uuid)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT FROM consents k
        WHERE k.client_id = client AND k.purpose = 'data_sharing'
          AND organisation = ANY (k.organisation_ids) AND consent_is_valid(k, now())
    );
END
$$;

CREATE OR REPLACE FUNCTION has_live_relationship(
    viewer uuid, viewer_organisation uuid, viewer_roles text[], client uuid
) RETURNS boolean LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT FROM client_workers w WHERE w.client_id = client AND w.staff_id = viewer
    ) OR EXISTS (
        SELECT FROM plan_coaches pc JOIN plans p ON p.id = pc.plan_id
        WHERE pc.staff_id = viewer AND p.client_id = client
          AND (p.ends_on IS NULL
               OR p.ends_on + 30 >= (now() AT TIME ZONE 'Europe/Helsinki')::date)
    ) OR EXISTS (
        SELECT FROM enrolments e
        JOIN programme_staff ps
            ON ps.programme_id = e.programme_id AND ps.staff_id = viewer
           AND ps.role = 'facilitator'
        JOIN programmes p ON p.id = e.programme_id
        WHERE e.client_id = client AND e.status IN ('enrolled', 'waitlisted')
          AND least(p.ends_at, p.cancelled_at) + interval '30 days' > now()
    ) OR EXISTS (
        SELECT FROM referrals r
        WHERE r.client_id = client
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
    );
END
$$;

CREATE OR REPLACE FUNCTION can_reach_client(viewer uuid, client uuid)
RETURNS boolean LANGUAGE plpgsql STABLE AS $$
DECLARE
    viewer_organisation uuid;
    viewer_roles text[];
    client_organisation uuid;
BEGIN
    SELECT s.organisation_id, s.roles INTO viewer_organisation, viewer_roles
    FROM staff s
    WHERE s.id = viewer AND s.active AND s.roles && ARRAY['admin', 'coach', 'referrer'];
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    SELECT c.organisation_id INTO client_organisation FROM clients c WHERE c.id = client;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    IF viewer_organisation = client_organisation THEN
        IF 'admin' = ANY (viewer_roles) THEN
            RETURN true;
        END IF;
    ELSIF NOT client_shared_with(client, viewer_organisation) THEN
        RETURN false;
    END IF;
    RETURN has_live_relationship(viewer, viewer_organisation, viewer_roles, client);
END
$$;

-- The same rule for many clients at once, set by set (a list of 200 costs a few
-- milliseconds where 200 calls of can_reach_client cost four times as much). The two
-- must agree: tests/db/test_reach_rule.py holds both to the rule written out in Python.
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
        SELECT c.id, c.organisation_id = viewer_organisation AS own
        FROM clients c WHERE c.id = ANY (candidates)
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
       OR (a.id IN (SELECT related.client_id FROM related)
           AND (a.own OR client_shared_with(a.id, viewer_organisation)));
END
$$;

-- Every client one viewer reaches, for lists: an admin's whole organisation, and the
-- others among the clients of the viewer's relationships (an index-friendly superset).
CREATE OR REPLACE FUNCTION reachable_clients(viewer uuid)
RETURNS TABLE (client_id uuid) LANGUAGE sql STABLE AS $$
    SELECT c.id FROM staff s JOIN clients c ON c.organisation_id = s.organisation_id
    WHERE s.id = viewer AND s.active AND 'admin' = ANY (s.roles)
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
