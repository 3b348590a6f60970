-- A facilitator from another organisation than the one running the group is on the
-- receiving side of a referral to it only when the client's consent covers their own
-- organisation too: a consent to share with the group's organisation (or none, within
-- one organisation) says nothing of the facilitator's.
CREATE OR REPLACE FUNCTION referral_sides(viewer uuid, referral referrals)
RETURNS text[] LANGUAGE sql STABLE AS $$
    SELECT array_remove(ARRAY[
        CASE WHEN referral.referred_by = viewer OR EXISTS (
            SELECT FROM staff s
            WHERE s.id = viewer AND s.organisation_id = referral.from_organisation_id
              AND s.active AND can_reach_client(viewer, referral.client_id)
        ) THEN 'referring' END,
        CASE WHEN referral_shared(referral, now()) AND (
            EXISTS (
                SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
                WHERE ps.programme_id = referral.programme_id AND ps.staff_id = viewer
                  AND ps.role = 'facilitator' AND s.active
                  AND (s.organisation_id = referral.to_organisation_id OR EXISTS (
                      SELECT FROM consents k
                      WHERE k.id = referral.consent_id AND k.purpose = 'data_sharing'
                        AND s.organisation_id = ANY (k.organisation_ids)
                        AND consent_is_valid(k, now())
                  ))
            ) OR EXISTS (
                SELECT FROM staff s
                WHERE s.id = viewer AND s.active
                  AND s.organisation_id = referral.to_organisation_id
                  AND s.roles && CASE WHEN referral.service_id IS NULL
                                      THEN ARRAY['admin', 'coach']
                                      ELSE ARRAY['admin', 'coach', 'referrer'] END
            )
        ) THEN 'receiving' END
    ], NULL)
$$;
