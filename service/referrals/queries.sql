-- The service catalogue -------------------------------------------------------------

-- name: insert_service(organisation_id, external_id, name, description, categories, eligibility, contact, location, schedule, url, email, phone, created_by)$
INSERT INTO services (organisation_id, external_id, name, description, categories,
                      eligibility, contact, location, schedule, url, email, phone, created_by)
VALUES (:organisation_id, :external_id, :name, :description, :categories, :eligibility,
        :contact, :location, :schedule, :url, :email, :phone, :created_by)
RETURNING id;

-- name: import_service(organisation_id, external_id, name, description, categories, eligibility, contact, location, schedule, url, email, phone, status)$
-- Importing the same catalogue again updates what it imported before.
INSERT INTO services (organisation_id, external_id, name, description, categories,
                      eligibility, contact, location, schedule, url, email, phone, status)
VALUES (:organisation_id, :external_id, :name, :description, :categories, :eligibility,
        :contact, :location, :schedule, :url, :email, :phone, :status)
ON CONFLICT (external_id) DO UPDATE SET
    organisation_id = EXCLUDED.organisation_id, name = EXCLUDED.name,
    description = EXCLUDED.description, categories = EXCLUDED.categories,
    eligibility = EXCLUDED.eligibility, contact = EXCLUDED.contact,
    location = EXCLUDED.location, schedule = EXCLUDED.schedule, url = EXCLUDED.url,
    email = EXCLUDED.email, phone = EXCLUDED.phone, status = EXCLUDED.status,
    updated_at = now()
RETURNING (xmax = 0) AS inserted;

-- name: service(id)^
SELECT s.id, s.organisation_id, o.name AS organisation_name, s.external_id, s.name,
       s.description, s.categories, s.eligibility, s.contact, s.location, s.schedule,
       s.url, s.email, s.phone, s.status, s.updated_at
FROM services s JOIN organisations o ON o.id = s.organisation_id
WHERE s.id = :id;

-- name: lock_service(id)^
SELECT id, organisation_id FROM services WHERE id = :id FOR UPDATE;

-- name: update_service(id, name, description, categories, eligibility, contact, location, schedule, url, email, phone, status)!
UPDATE services
SET name = :name, description = :description, categories = :categories,
    eligibility = :eligibility, contact = :contact, location = :location,
    schedule = :schedule, url = :url, email = :email, phone = :phone, status = :status,
    updated_at = now()
WHERE id = :id;

-- name: search_services(words, category, include_inactive, after_name, after_id, limit)
-- By name; `words` are prefixes that must all appear (name, categories, description
-- or municipality).
SELECT s.id, s.organisation_id, o.name AS organisation_name, s.external_id, s.name,
       s.description, s.categories, s.eligibility, s.contact, s.location, s.schedule,
       s.url, s.email, s.phone, s.status, s.updated_at, lower(s.name) AS sort_name
FROM services s JOIN organisations o ON o.id = s.organisation_id
WHERE (:words::text IS NULL OR s.search @@ to_tsquery('simple', :words))
  AND (:category::text IS NULL OR s.categories @> ARRAY[:category::text])
  AND (:include_inactive OR s.status = 'active')
  AND (lower(s.name), s.id) > (:after_name, :after_id::uuid)
ORDER BY lower(s.name), s.id
LIMIT :limit;

-- name: manages_organisation(viewer, organisation_id)$
-- The viewer's own organisation, or one their organisation manages, as an admin or
-- coach there.
SELECT EXISTS (
    SELECT FROM staff s JOIN organisations o ON o.id = :organisation_id
    WHERE s.id = :viewer AND s.roles && ARRAY['admin', 'coach']
      AND (o.id = s.organisation_id OR o.managed_by = s.organisation_id)
);

-- Referrals -----------------------------------------------------------------------------

-- name: programme_target(id)^
SELECT id, organisation_id, title AS name, cancelled_at, ends_at FROM programmes WHERE id = :id;

-- name: service_target(id)^
SELECT id, organisation_id, name, status FROM services WHERE id = :id;

-- name: open_referral(client_id, target_id)$
SELECT id FROM referrals
WHERE client_id = :client_id AND coalesce(programme_id, service_id) = :target_id
  AND status NOT IN ('rejected', 'completed', 'cancelled', 'failed');

-- name: insert_referral(client_id, programme_id, service_id, from_organisation_id, to_organisation_id, referred_by, reason, needs, consent_id)$
INSERT INTO referrals (client_id, programme_id, service_id, from_organisation_id,
                       to_organisation_id, referred_by, reason, needs, consent_id)
VALUES (:client_id, :programme_id, :service_id, :from_organisation_id, :to_organisation_id,
        :referred_by, :reason, :needs, :consent_id)
RETURNING id;

-- name: insert_event(referral_id, actor_id, from_status, to_status, reason)$
INSERT INTO referral_events (referral_id, actor_id, from_status, to_status, reason)
VALUES (:referral_id, :actor_id, :from_status, :to_status, :reason)
RETURNING id;

-- name: lock_referral(viewer, id)^
-- The referral with the viewer's sides (none when they do not reach the client), locked:
-- two people answering at once take turns, and the second sees the first one's answer.
SELECT r.id, r.client_id, r.programme_id, r.service_id, r.status, r.held_from,
       r.referred_by, r.enrolment_id,
       CASE WHEN can_reach_client(:viewer, r.client_id) THEN referral_sides(:viewer, r)
            ELSE '{}' END AS sides
FROM referrals r
WHERE r.id = :id
FOR UPDATE;

-- name: set_status(id, status, held_from, reason)!
UPDATE referrals
SET status = :status, held_from = :held_from, status_reason = :reason, updated_at = now(),
    -- The first answer counts: coming back from a hold answers nothing anew.
    answered_at = CASE WHEN :status IN ('accepted', 'rejected') THEN coalesce(answered_at, now())
                       ELSE answered_at END,
    accepted_at = CASE WHEN :status = 'accepted' THEN coalesce(accepted_at, now())
                       ELSE accepted_at END,
    started_at = CASE WHEN :status = 'in-progress' AND started_at IS NULL THEN now()
                      ELSE started_at END,
    ended_at = CASE WHEN :status IN ('rejected', 'completed', 'cancelled', 'failed') THEN now()
                    ELSE ended_at END
WHERE id = :id;

-- name: link_enrolment(id, enrolment_id)!
UPDATE referrals SET enrolment_id = :enrolment_id WHERE id = :id;

-- name: referral(viewer, id)^
-- One referral as the viewer may see it (no row when they are on neither side, or do
-- not reach the client).
WITH r AS (
    SELECT r.*, referral_sides(:viewer, r) AS sides, referral_shared(r, now()) AS shared
    FROM referrals r WHERE r.id = :id
)
SELECT r.id, r.status, r.status_reason, r.held_from, r.from_organisation_id, r.referred_by,
       rs.name AS referred_by_name, r.reason, r.needs, r.consent_id, r.shared,
       r.enrolment_id, r.sides, r.created_at, r.updated_at,
       c.id AS client_id, c.first_name, c.last_name, c.language, c.plain_language,
       c.non_disclosure, c.organisation_id AS client_organisation_id,
       c.non_disclosure AND EXISTS (
           SELECT FROM client_workers w WHERE w.client_id = c.id AND w.staff_id = :viewer
       ) AS viewer_is_responsible,
       CASE WHEN r.programme_id IS NULL THEN 'service' ELSE 'programme' END AS target_kind,
       coalesce(r.programme_id, r.service_id) AS target_id,
       coalesce(p.title, sv.name) AS target_name,
       r.to_organisation_id, o.name AS to_organisation_name,
       coalesce((
           SELECT json_agg(json_build_object(
               'at', e.at, 'from_status', e.from_status, 'to_status', e.to_status,
               'reason', e.reason, 'actor_id', e.actor_id, 'actor_name', a.name
           ) ORDER BY e.seq)
           FROM referral_events e LEFT JOIN staff a ON a.id = e.actor_id
           WHERE e.referral_id = r.id
       ), '[]') AS events
FROM r
JOIN clients c ON c.id = r.client_id
JOIN staff rs ON rs.id = r.referred_by
JOIN organisations o ON o.id = r.to_organisation_id
LEFT JOIN programmes p ON p.id = r.programme_id
LEFT JOIN services sv ON sv.id = r.service_id
WHERE cardinality(r.sides) > 0 AND can_reach_client(:viewer, r.client_id);

-- name: contact_workers(client_id)
-- The way to a client under non-disclosure: their responsible workers in their own
-- organisation who are still at work, with their work contact details.
SELECT s.id AS staff_id, s.name, s.email, s.phone, o.name AS organisation_name
FROM client_workers w
JOIN clients c ON c.id = w.client_id
JOIN staff s ON s.id = w.staff_id AND s.organisation_id = c.organisation_id AND s.active
JOIN organisations o ON o.id = s.organisation_id
WHERE w.client_id = :client_id
ORDER BY w.since, s.id;

-- name: referral_exists(id)$
SELECT client_id FROM referrals WHERE id = :id;

-- name: list_referrals(viewer, mine, status, client_id, direction, after_created_at, after_id, limit)
-- Referrals the viewer is on a side of and whose client they reach, newest first. With
-- mine, only those they are a side of in person: they referred, or they facilitate the
-- group referred to (not those of their organisation as a whole).
WITH me AS (SELECT id, organisation_id, roles FROM staff WHERE id = :viewer),
candidates AS (
    SELECT r.id FROM referrals r WHERE r.referred_by = :viewer
    UNION
    SELECT r.id FROM client_workers w JOIN referrals r ON r.client_id = w.client_id
    WHERE w.staff_id = :viewer
    UNION
    SELECT r.id FROM me JOIN referrals r ON r.to_organisation_id = me.organisation_id
    UNION
    SELECT r.id FROM me JOIN referrals r ON r.from_organisation_id = me.organisation_id
    WHERE 'admin' = ANY (me.roles) OR r.client_id = :client_id
    UNION
    SELECT r.id FROM programme_staff ps JOIN referrals r ON r.programme_id = ps.programme_id
    WHERE ps.staff_id = :viewer AND ps.role = 'facilitator'
), visible AS (
    SELECT r.*, referral_sides(:viewer, r) AS sides
    FROM candidates JOIN referrals r USING (id)
    WHERE (:status::text IS NULL OR r.status = :status)
      AND (:client_id::uuid IS NULL OR r.client_id = :client_id)
      AND (r.created_at, r.id) < (:after_created_at, :after_id::uuid)
      AND (NOT :mine::boolean OR r.referred_by = :viewer OR r.programme_id IN (
            SELECT ps.programme_id FROM programme_staff ps
            WHERE ps.staff_id = :viewer AND ps.role = 'facilitator'))
)
SELECT v.id, v.status, v.client_id, v.referred_by, v.created_at, v.updated_at,
       CASE WHEN v.programme_id IS NULL THEN 'service' ELSE 'programme' END AS target_kind,
       coalesce(v.programme_id, v.service_id) AS target_id,
       coalesce(p.title, sv.name) AS target_name,
       v.to_organisation_id, o.name AS to_organisation_name
FROM visible v
JOIN organisations o ON o.id = v.to_organisation_id
LEFT JOIN programmes p ON p.id = v.programme_id
LEFT JOIN services sv ON sv.id = v.service_id
WHERE cardinality(v.sides) > 0
  AND can_reach_client(:viewer, v.client_id)
  AND (:direction::text IS NULL
       OR (:direction = 'outgoing' AND 'referring' = ANY (v.sides))
       OR (:direction = 'incoming' AND 'receiving' = ANY (v.sides)))
ORDER BY v.created_at DESC, v.id DESC
LIMIT :limit;

-- name: started_referrals(programme_id, client_ids)
-- Accepted referrals to the programme of clients who have now attended: they started.
SELECT r.id, r.client_id, r.programme_id, r.status, r.referred_by
FROM referrals r
WHERE r.programme_id = :programme_id AND r.client_id = ANY (:client_ids::uuid[])
  AND r.status = 'accepted'
FOR UPDATE;

-- Notices to the referrer ----------------------------------------------------------------

-- name: insert_notice(staff_id, event_id)!
INSERT INTO notices (staff_id, kind, event_id, client_id)
SELECT :staff_id, 'referral_change', e.id, r.client_id
FROM referral_events e JOIN referrals r ON r.id = e.referral_id
WHERE e.id = :event_id;

-- Stalled paths ----------------------------------------------------------------------------

-- name: stalled_paths(viewer, answered_by, today, after_since, after_key, limit)
-- Where the paths of the viewer's own clients (those they are responsible for or
-- referred) have stopped: their waits (open_paths, kept by the writes) that have lasted
-- long enough. `answered_by`: a referral sent on or before this day and still
-- unanswered has waited five working days. The cost follows the caseload, not the size
-- of the database: one index lookup per client.
WITH mine AS (
    SELECT client_id FROM reachable_among(:viewer, ARRAY(
        SELECT client_id FROM client_workers WHERE staff_id = :viewer
        UNION
        SELECT client_id FROM referrals WHERE referred_by = :viewer
    ))
), due AS (
    SELECT o.kind AS reason, o.client_id, o.referral_id, o.programme_id, o.plan_id,
           o.since
    FROM mine JOIN open_paths o ON o.client_id = mine.client_id
    WHERE CASE o.kind
              WHEN 'no_answer'
                  THEN (o.since AT TIME ZONE 'Europe/Helsinki')::date <= :answered_by
              WHEN 'not_started' THEN o.since < now() - interval '14 days'
              -- A plan's break starts at midnight after its last day: before today.
              WHEN 'no_continuation'
                  THEN CASE WHEN o.plan_id IS NULL THEN o.since < now()
                            ELSE o.since <= (:today)::timestamp AT TIME ZONE 'Europe/Helsinki'
                       END
              WHEN 'repeated_absence' THEN true
              ELSE false
          END
), stalled AS (
    SELECT d.*,
           coalesce(p.title, v.name,
                    CASE WHEN pl.kind = 'job_coaching' THEN 'job coaching'
                         WHEN pl.kind IS NOT NULL THEN 'goal coaching' END) AS name
    FROM due d
    LEFT JOIN referrals r ON r.id = d.referral_id
    LEFT JOIN programmes p ON p.id = coalesce(d.programme_id, r.programme_id)
    LEFT JOIN services v ON v.id = r.service_id
    LEFT JOIN plans pl ON pl.id = d.plan_id
    -- Only referrals the viewer is a side of, as everywhere else. The viewer reaches
    -- these clients, so their own organisation's referrals are theirs to see; the full
    -- rule is asked only of the others, and only of those it could admit: sent to the
    -- viewer's organisation or to a group they run.
    WHERE d.referral_id IS NULL
       OR r.referred_by = :viewer
       OR r.from_organisation_id = (SELECT organisation_id FROM staff WHERE id = :viewer)
       OR ((r.to_organisation_id = (SELECT organisation_id FROM staff WHERE id = :viewer)
            OR r.programme_id IN (SELECT programme_id FROM programme_staff
                                  WHERE staff_id = :viewer AND role = 'facilitator'))
           AND cardinality(referral_sides(:viewer, r)) > 0)
), keyed AS (
    SELECT *, reason || ':' || client_id || ':'
              || coalesce(referral_id, programme_id, plan_id)::text AS key
    FROM stalled
)
SELECT * FROM keyed
WHERE (since, key) > (:after_since, :after_key)
ORDER BY since, key
LIMIT :limit;

-- Pathway ------------------------------------------------------------------------------------

-- name: referral_pathway(viewer, client_id)
-- Only the referrals the viewer is on a side of: reaching the client (say, through
-- a group) does not let one learn where else they were referred, or why.
SELECT e.id, e.referral_id, e.from_status, e.to_status, e.reason, e.at,
       coalesce(p.title, sv.name) AS target_name, a.name AS actor_name
FROM referrals r
JOIN referral_events e ON e.referral_id = r.id
LEFT JOIN programmes p ON p.id = r.programme_id
LEFT JOIN services sv ON sv.id = r.service_id
LEFT JOIN staff a ON a.id = e.actor_id
WHERE r.client_id = :client_id AND cardinality(referral_sides(:viewer, r)) > 0
ORDER BY e.seq;
