-- name: notices(viewer, unread_only, after_created_at, after_id, limit)
-- Only notices about clients the viewer still reaches: reach ends, and with it the list.
SELECT n.id, n.kind, n.client_id, r.id AS referral_id,
       coalesce(p.title, sv.name) AS target_name,
       e.from_status, e.to_status, e.reason, a.name AS by,
       coalesce(e.at, i.received_at) AS at, i.text, n.read_at, n.created_at
FROM notices n
LEFT JOIN referral_events e ON e.id = n.event_id
LEFT JOIN referrals r ON r.id = e.referral_id
LEFT JOIN staff a ON a.id = e.actor_id
LEFT JOIN programmes p ON p.id = r.programme_id
LEFT JOIN services sv ON sv.id = r.service_id
LEFT JOIN inbound_sms i ON i.id = n.inbound_sms_id
WHERE n.staff_id = :viewer AND (NOT :unread_only OR n.read_at IS NULL)
  AND can_reach_client(:viewer, n.client_id)
  AND (n.created_at, n.id) < (:after_created_at, :after_id::uuid)
ORDER BY n.created_at DESC, n.id DESC
LIMIT :limit;

-- name: mark_notice_read(viewer, id)$
UPDATE notices SET read_at = coalesce(read_at, now())
WHERE id = :id AND staff_id = :viewer
RETURNING id;
