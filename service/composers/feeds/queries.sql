-- What calendar feeds show: they read across programmes, coaching and clients.

-- name: has_calendar_consent(client_id)$
-- A closed client relationship gives no new links, whatever the consents say.
SELECT EXISTS (
    SELECT FROM consents k
    WHERE k.client_id = :client_id AND k.purpose = 'calendar_feed' AND consent_is_valid(k, now())
) AND NOT EXISTS (
    SELECT FROM clients c WHERE c.id = :client_id AND c.closed_at IS NOT NULL
);

-- name: feed_events(token_hash)
-- The feed (if its token is live and, for a client, the calendar consent holds; for a
-- staff member, while they are active), and every meeting it shows; a feed with no
-- meetings gives one row with empty meeting columns. A cancelled group keeps the
-- sessions it held. A staff member's own feed names the client of a one-to-one meeting
-- (first name, surname) while the client is in their reach; no other feed names anyone.
-- Notes the fetch at most once an hour.
WITH feed AS (
    SELECT f.id AS feed_id, f.client_id, f.staff_id, f.programme_id,
           coalesce(c.language, 'fi') AS language,
           coalesce(c.first_name, st.name, fp.title) AS owner_name
    FROM calendar_feeds f
    LEFT JOIN clients c ON c.id = f.client_id
    LEFT JOIN staff st ON st.id = f.staff_id
    LEFT JOIN programmes fp ON fp.id = f.programme_id
    WHERE f.token_hash = :token_hash AND f.revoked_at IS NULL
      AND (f.staff_id IS NULL OR st.active)
      AND (f.client_id IS NULL OR EXISTS (
            SELECT FROM consents k WHERE k.client_id = f.client_id
            AND k.purpose = 'calendar_feed' AND consent_is_valid(k, now())))
), noted AS (
    UPDATE calendar_feeds SET last_fetched_at = now()
    WHERE id = (SELECT feed_id FROM feed)
      AND coalesce(last_fetched_at, '-infinity') < now() - interval '1 hour'
), programmes_shown AS (
    SELECT e.programme_id FROM feed JOIN enrolments e
        ON e.client_id = feed.client_id AND e.status = 'enrolled'
    UNION
    SELECT ps.programme_id FROM feed JOIN programme_staff ps ON ps.staff_id = feed.staff_id
    UNION
    SELECT feed.programme_id FROM feed WHERE feed.programme_id IS NOT NULL
), meetings AS (
    SELECT s.id, s.starts_at, s.ends_at, s.revision + p.ical_sequence AS sequence,
           greatest(s.updated_at, p.updated_at) AS changed_at, p.title, p.timezone,
           coalesce(s.location_name, p.location_name) AS location_name,
           CASE WHEN s.location_name IS NULL THEN p.location_address
                ELSE s.location_address END AS location_address,
           coalesce(s.online_url, p.online_url) AS online_url,
           (SELECT st.phone FROM programme_staff ps JOIN staff st ON st.id = ps.staff_id
            WHERE ps.programme_id = p.id AND ps.role = 'facilitator' AND st.phone IS NOT NULL
            ORDER BY st.name LIMIT 1) AS phone,
           s.number, p.weeks, s.theme, NULL AS client_first_name, NULL AS client_last_name
    FROM programmes_shown
    JOIN programmes p ON p.id = programmes_shown.programme_id
    -- A cancelled group's coming sessions are cancelled; those it held stay scheduled.
    JOIN sessions s ON s.programme_id = p.id AND s.status = 'scheduled'
    WHERE s.ends_at > now() - interval '90 days'
    UNION ALL
    -- One-to-one coaching meetings: of the client's plans, or of the plans one coaches.
    SELECT m.id, m.starts_at, m.ends_at, m.revision, m.updated_at, NULL, m.timezone,
           m.location_name, m.location_address, m.online_url,
           (SELECT st.phone FROM plan_coaches pc JOIN staff st ON st.id = pc.staff_id
            WHERE pc.plan_id = m.plan_id AND st.phone IS NOT NULL
            ORDER BY st.name LIMIT 1),
           NULL, NULL, NULL, named.first_name, named.last_name
    FROM feed
    JOIN plans pl ON pl.client_id = feed.client_id
        OR pl.id IN (SELECT plan_id FROM plan_coaches WHERE staff_id = feed.staff_id)
    JOIN meetings m ON m.plan_id = pl.id AND m.status = 'scheduled'
    LEFT JOIN clients named ON named.id = pl.client_id AND feed.staff_id IS NOT NULL
        AND can_reach_client(feed.staff_id, named.id)
    WHERE m.ends_at > now() - interval '90 days'
)
SELECT feed.feed_id, feed.client_id, feed.staff_id, feed.language, feed.owner_name,
       meetings.*
FROM feed LEFT JOIN meetings ON true
ORDER BY meetings.starts_at, meetings.id;
