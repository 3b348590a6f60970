-- name: claim(gateway_id, received_at)$
-- The reply, once. A repeat of its gateway id gets nothing; so does a copy arriving at
-- the same moment, which waits here until the first one's transaction ends.
INSERT INTO inbound_sms (gateway_id, received_at, handled_as)
VALUES (:gateway_id, :received_at, 'unknown_sender')
ON CONFLICT (gateway_id) DO NOTHING
RETURNING id;

-- name: settle(id, handled_as, client_id, text)!
UPDATE inbound_sms SET handled_as = :handled_as, client_id = :client_id, text = :text
WHERE id = :id;

-- name: senders(phone)
-- The clients whose number it is, each with the latest SMS Polku sent them in the
-- last 7 days (a reply to a reply is no question), that latest first.
SELECT c.id AS client_id, m.id AS message_id, m.sent_at,
       CASE WHEN m.kind = 'follow_up' THEN m.subject_id END AS follow_up_id
FROM clients c
LEFT JOIN LATERAL (
    SELECT id, sent_at, kind, subject_id FROM messages
    WHERE client_id = c.id AND channel = 'sms' AND status = 'sent' AND kind <> 'reply'
      AND sent_at > now() - interval '7 days'
    ORDER BY sent_at DESC
    LIMIT 1
) AS m ON true
WHERE c.phone_e164 = :phone
ORDER BY m.sent_at DESC NULLS LAST, c.id;

-- name: named_occasion(message_id)^
-- The nearest coming session or meeting a message is about: its own session or
-- meeting, or for a message about the whole group, the group's next session while the
-- client is in it. Nothing once it has begun or was cancelled.
SELECT occasion.*
FROM messages m
CROSS JOIN LATERAL (
    SELECT s.programme_id, s.id AS session_id, NULL::uuid AS meeting_id, s.starts_at
    FROM sessions s
    WHERE m.meeting_id IS NULL
      AND (s.id = m.session_id OR (m.session_id IS NULL AND s.programme_id = m.programme_id))
      AND s.status = 'scheduled' AND s.starts_at > now()
      AND EXISTS (SELECT FROM enrolments e WHERE e.programme_id = s.programme_id
                  AND e.client_id = m.client_id AND e.status = 'enrolled')
    UNION ALL
    SELECT NULL, NULL, mt.id, mt.starts_at
    FROM meetings mt
    WHERE mt.id = m.meeting_id AND mt.status = 'scheduled' AND mt.starts_at > now()
    ORDER BY starts_at
    LIMIT 1
) AS occasion
WHERE m.id = :message_id;

-- name: workers_to_tell(client_ids)
-- Who reads a client's message: their responsible workers; for a client who has none,
-- the facilitators of the groups they are in; failing those, their organisation's
-- admins. Only active staff who reach the client.
WITH responsible AS (
    SELECT cw.client_id, cw.staff_id FROM client_workers cw
    WHERE cw.client_id = ANY (:client_ids::uuid[])
), facilitating AS (
    SELECT DISTINCT e.client_id, ps.staff_id
    FROM enrolments e
    JOIN programme_staff ps ON ps.programme_id = e.programme_id AND ps.role = 'facilitator'
    WHERE e.client_id = ANY (:client_ids::uuid[]) AND e.status IN ('enrolled', 'waitlisted')
      AND e.client_id NOT IN (SELECT client_id FROM responsible)
), administering AS (
    SELECT c.id AS client_id, st.id AS staff_id
    FROM clients c JOIN staff st ON st.organisation_id = c.organisation_id AND 'admin' = ANY (st.roles)
    WHERE c.id = ANY (:client_ids::uuid[])
      AND c.id NOT IN (SELECT client_id FROM responsible UNION SELECT client_id FROM facilitating)
)
SELECT t.client_id, t.staff_id
FROM (SELECT * FROM responsible UNION SELECT * FROM facilitating
      UNION SELECT * FROM administering) AS t
JOIN staff st ON st.id = t.staff_id
WHERE st.active AND can_reach_client(t.staff_id, t.client_id);

-- name: insert_notices(inbound_sms_id, client_ids, staff_ids)!
INSERT INTO notices (staff_id, kind, client_id, inbound_sms_id)
SELECT s, 'client_message', c, :inbound_sms_id
FROM unnest(:client_ids::uuid[], :staff_ids::uuid[]) AS u (c, s);

-- name: audit_reply(client_id, action, inbound_sms_id, request_id)!
-- The client acted (sent a message): audited with the client as the actor.
INSERT INTO audit_events
    (actor_client_id, action, client_id, subject_type, subject_id, request_id)
VALUES (:client_id, :action, :client_id, 'inbound_sms', :inbound_sms_id, :request_id);
