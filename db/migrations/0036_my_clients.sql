-- "Mine" for lists (GET /api/v1/clients?mine=true): the clients a staff member reaches
-- through a live relationship of their own (API.md, "Who reaches a client"), not
-- through being an admin of the client's organisation or a member of the organisation
-- a referral was sent to. The relationships and their ends are those of
-- has_live_relationship; reach itself (an active account, a client-work role, a
-- data_sharing consent across organisations) is still checked by the caller.
CREATE OR REPLACE FUNCTION related_clients(viewer uuid)
RETURNS TABLE (client_id uuid) LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY
    SELECT w.client_id FROM client_workers w WHERE w.staff_id = viewer
    UNION
    SELECT p.client_id FROM plan_coaches pc JOIN plans p ON p.id = pc.plan_id
    WHERE pc.staff_id = viewer
      AND (p.ends_on IS NULL
           OR p.ends_on + 30 >= (now() AT TIME ZONE 'Europe/Helsinki')::date)
    UNION
    SELECT e.client_id FROM programme_staff ps
    JOIN enrolments e ON e.programme_id = ps.programme_id
    JOIN programmes p ON p.id = ps.programme_id
    WHERE ps.staff_id = viewer AND ps.role = 'facilitator'
      AND e.status IN ('enrolled', 'waitlisted')
      AND least(p.ends_at, p.cancelled_at) + interval '30 days' > now()
    UNION
    SELECT r.client_id FROM referrals r
    WHERE r.referred_by = viewer
      AND (r.ended_at IS NULL OR r.ended_at + interval '30 days' > now())
    UNION
    SELECT r.client_id FROM programme_staff ps
    JOIN referrals r ON r.programme_id = ps.programme_id
    WHERE ps.staff_id = viewer AND ps.role = 'facilitator'
      AND (r.ended_at IS NULL OR r.ended_at + interval '30 days' > now());
END
$$;
