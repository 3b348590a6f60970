-- Planning (the outbox) -------------------------------------------------------------

-- name: recipients(programme_id, client_ids)
-- Enrolled clients of a programme (all, or just these), with where they can be reached.
SELECT c.id AS client_id, c.timezone, c.email IS NOT NULL AS has_email,
       c.phone IS NOT NULL AS has_phone
FROM enrolments e
JOIN clients c ON c.id = e.client_id
WHERE e.programme_id = :programme_id AND e.status = 'enrolled'
  AND (:client_ids::uuid[] IS NULL OR c.id = ANY (:client_ids::uuid[]));

-- name: bump_series_sequence(programme_id, client_id)!
-- The client joined or left the series: what they are sent next about it must outrank
-- what they got before. The first join starts at 0.
INSERT INTO series_sequences AS q (programme_id, client_id)
VALUES (:programme_id, :client_id)
ON CONFLICT (programme_id, client_id)
DO UPDATE SET added = q.added + 1, changed_at = now();

-- name: future_sessions(programme_id, session_id)
SELECT s.id, s.starts_at, p.reminder_offsets, p.timezone
FROM sessions s JOIN programmes p ON p.id = s.programme_id
WHERE s.programme_id = :programme_id AND s.status = 'scheduled' AND s.starts_at > now()
  AND (:session_id::uuid IS NULL OR s.id = :session_id);

-- name: insert_messages(client_ids, kinds, channels, programme_ids, session_ids, meeting_ids, offsets, scheduled, changes)!
-- changes: each message's list, comma-separated ('' for none).
INSERT INTO messages (client_id, kind, channel, programme_id, session_id, meeting_id,
                      offset_spec, scheduled_for, changes)
SELECT c, k, ch, p, s, m, o, at, string_to_array(chg, ',')
FROM unnest(:client_ids::uuid[], :kinds::text[], :channels::text[],
            :programme_ids::uuid[], :session_ids::uuid[], :meeting_ids::uuid[],
            :offsets::text[], :scheduled::timestamptz[], :changes::text[])
     AS u (c, k, ch, p, s, m, o, at, chg);

-- name: pending_update_changes(programme_id, session_id)
-- What the unsent updates of a session (or, without one, of the whole series) were to
-- say changed, per client: a newer update replaces them and must say it too.
SELECT client_id, array_agg(DISTINCT change) AS changes
FROM messages, unnest(changes) AS change
WHERE status = 'pending' AND kind = 'update' AND programme_id = :programme_id
  AND session_id IS NOT DISTINCT FROM :session_id::uuid
GROUP BY client_id;

-- name: insert_reply(client_id, answer, programme_id, session_id, meeting_id)!
INSERT INTO messages (client_id, kind, channel, subject_type, programme_id, session_id,
                      meeting_id, scheduled_for)
VALUES (:client_id, 'reply', 'sms', :answer, :programme_id, :session_id, :meeting_id, now());

-- name: insert_staff_notice(staff_id, subject_type, subject_id)!
INSERT INTO messages (staff_id, kind, channel, subject_type, subject_id, scheduled_for)
VALUES (:staff_id, 'notice', 'email', :subject_type, :subject_id, now());

-- name: referral_notice(event_id)^
-- What a notice about a referral event says: where to, and what happened.
SELECT r.id AS referral_id, e.from_status, e.to_status, e.at,
       coalesce(p.title, sv.name) AS target_name
FROM referral_events e
JOIN referrals r ON r.id = e.referral_id
LEFT JOIN programmes p ON p.id = r.programme_id
LEFT JOIN services sv ON sv.id = r.service_id
WHERE e.id = :event_id;

-- name: meeting_recipient(meeting_id)
-- The client a one-to-one meeting is with, and where they can be reached.
SELECT c.id AS client_id, c.timezone, c.email IS NOT NULL AS has_email,
       c.phone IS NOT NULL AS has_phone, m.starts_at
FROM meetings m
JOIN plans p ON p.id = m.plan_id
JOIN clients c ON c.id = p.client_id
WHERE m.id = :meeting_id AND m.status = 'scheduled';

-- name: cancel_pending_for_meeting(meeting_id, kinds, reason)!
UPDATE messages
SET status = 'cancelled', status_reason = :reason, updated_at = now()
WHERE status = 'pending' AND meeting_id = :meeting_id AND kind = ANY (:kinds::text[]);

-- name: cancel_pending(programme_id, session_id, client_id, kinds, reason)!
-- Pending messages that no longer make sense: for a session, a programme, or one
-- client in a programme.
UPDATE messages
SET status = 'cancelled', status_reason = :reason, updated_at = now()
WHERE status = 'pending'
  AND programme_id = :programme_id
  AND (:session_id::uuid IS NULL OR session_id = :session_id)
  AND (:client_id::uuid IS NULL OR client_id = :client_id)
  AND kind = ANY (:kinds::text[]);

-- name: cancel_pending_series_updates(programme_id, reason)!
-- Updates of the whole series only: one about a moved session still has to tell it.
UPDATE messages
SET status = 'cancelled', status_reason = :reason, updated_at = now()
WHERE status = 'pending' AND programme_id = :programme_id AND session_id IS NULL
  AND kind = 'update';

-- name: cancel_pending_reminders_of_client(client_id, reason)!
-- Waiting reminders not yet tried (a retry of one whose time has passed stays).
UPDATE messages
SET status = 'cancelled', status_reason = :reason, updated_at = now()
WHERE client_id = :client_id AND status = 'pending' AND kind = 'reminder' AND attempts = 0;

-- name: lock_coming_programmes(client_id)
-- The groups the client holds a place in that still meet, locked as any change to one
-- locks it, so reminders are planned anew by one transaction at a time.
SELECT p.id
FROM enrolments e JOIN programmes p ON p.id = e.programme_id
WHERE e.client_id = :client_id AND e.status = 'enrolled'
  AND p.cancelled_at IS NULL AND p.ends_at > now()
ORDER BY p.id
FOR UPDATE OF p;

-- name: lock_coming_meetings(client_id)
SELECT m.id
FROM plans pl JOIN meetings m ON m.plan_id = pl.id
WHERE pl.client_id = :client_id AND m.status = 'scheduled' AND m.starts_at > now()
ORDER BY m.id
FOR UPDATE OF m;

-- name: skip_pending_for_channel(client_id, channel, reason)!
UPDATE messages
SET status = 'skipped', status_reason = :reason, updated_at = now()
WHERE client_id = :client_id AND channel = :channel AND status = 'pending';

-- Dispatching and sending ------------------------------------------------------------

-- name: release_expired_claims(max_unfinished, shard)
-- A worker that claimed a message and died, or whose job was cancelled: its try is
-- over. Try again, unless tries have ended this way too often. Counted for the metrics.
WITH released AS (
    UPDATE messages
    SET unfinished_tries = unfinished_tries + 1,
        status = CASE WHEN unfinished_tries + 1 >= :max_unfinished
                      THEN 'failed' ELSE 'pending' END,
        status_reason = CASE WHEN unfinished_tries + 1 >= :max_unfinished
                             THEN 'the sending was interrupted ' || unfinished_tries + 1
                                  || ' times'
                             ELSE 'the sending was interrupted' END,
        claimed_until = NULL, enqueued_at = NULL, updated_at = now()
    WHERE status = 'sending' AND claimed_until < now()
    RETURNING id, status, attempts, channel
), counted AS (
    INSERT INTO delivery_counts AS c (channel, outcome, reason, shard, count)
    SELECT channel, CASE status WHEN 'failed' THEN 'failed' ELSE 'retry' END, 'interrupted',
           :shard, count(*)
    FROM released GROUP BY 1, 2
    ON CONFLICT (channel, outcome, reason, shard) DO UPDATE SET count = c.count + excluded.count
)
SELECT id, status, attempts FROM released;

-- name: due_messages(requeue_after, limit)
-- Due messages not yet handed to the queue, or handed long enough ago that the
-- queue may have lost them (a flushed Redis); locked so dispatchers share them out.
-- A calendar e-mail waits for the ones written before it to the same person about the
-- same series or meeting (in_calendar_order): an update that arrives before its invite
-- has nothing to change in the calendar.
SELECT m.id, m.attempts FROM messages m
WHERE m.status = 'pending' AND m.scheduled_for <= now()
  AND (m.enqueued_at IS NULL OR m.enqueued_at < now() - :requeue_after::interval)
  AND in_calendar_order(m)
ORDER BY m.scheduled_for
LIMIT :limit
FOR UPDATE SKIP LOCKED;

-- name: mark_enqueued(ids)!
UPDATE messages SET enqueued_at = now() WHERE id = ANY (:ids::uuid[]);

-- name: unmark_enqueued(ids)!
-- Handed over, but the queue did not take them: due at the next pass.
UPDATE messages SET enqueued_at = NULL WHERE id = ANY (:ids::uuid[]) AND status = 'pending';

-- name: finish(ids, statuses, reasons, counted_as, subjects, texts, shard)!
-- The outcomes of sends, one per id (the arrays in step; a worker records those that
-- end at about the same moment together). A message sent or failed counts in the
-- metrics (delivery_counts) as its counted_as. A message sent keeps what it said (its
-- subject, an e-mail's; its text, the SMS or the e-mail's plain text, NULL for one that
-- carried a secret); any other outcome, none.
WITH outcome AS (
    SELECT * FROM unnest(:ids::uuid[], :statuses::text[], :reasons::text[],
                         :counted_as::text[], :subjects::text[], :texts::text[])
        AS o (id, status, reason, counted_as, subject, text)
), finished AS (
    UPDATE messages m
    SET status = o.status, status_reason = o.reason, claimed_until = NULL,
        updated_at = now(),
        sent_at = CASE WHEN o.status = 'sent' THEN now() END,
        sent_subject = CASE WHEN o.status = 'sent' THEN o.subject END,
        sent_text = CASE WHEN o.status = 'sent' THEN o.text END
    FROM outcome o
    WHERE m.id = o.id AND m.status = 'sending'
    RETURNING m.channel, m.status, o.counted_as
)
INSERT INTO delivery_counts AS c (channel, outcome, reason, shard, count)
SELECT channel, status, counted_as, :shard, count(*) FROM finished
WHERE status IN ('sent', 'failed')
GROUP BY channel, status, counted_as
ON CONFLICT (channel, outcome, reason, shard) DO UPDATE SET count = c.count + excluded.count;

-- name: retry_later(id, at, reason, until, counted_as, shard)!
-- A try failed for a passing reason: due again at :at, and given up after :until.
-- Counted in the metrics as a retry for :counted_as.
WITH rescheduled AS (
    UPDATE messages
    SET status = 'pending', scheduled_for = :at, status_reason = :reason, retry_until = :until,
        claimed_until = NULL, enqueued_at = NULL, updated_at = now()
    WHERE id = :id AND status = 'sending'
    RETURNING channel
)
INSERT INTO delivery_counts AS c (channel, outcome, reason, shard, count)
SELECT channel, 'retry', :counted_as, :shard, 1 FROM rescheduled
ON CONFLICT (channel, outcome, reason, shard) DO UPDATE SET count = c.count + 1;

-- name: postpone(id, at, reason)!
-- Not sent, and no attempt either: the message is due again at :at.
UPDATE messages
SET status = 'pending', attempts = attempts - 1, scheduled_for = :at, status_reason = :reason,
    claimed_until = NULL, enqueued_at = NULL, updated_at = now()
WHERE id = :id AND status = 'sending';

-- name: claim(ids, lease)
-- Only one sender gets a message, however many jobs carry its id; a worker claims those
-- its jobs ask for at about the same moment together. Returns with each message claimed
-- everything it needs: where the client can be reached and may be, whether they are
-- still in the programme, the programme, and the session. A message that someone is
-- changing just now (a cancellation) is passed over rather than waited for, so that
-- claims never wait on one another in a different order: passed over, it is still
-- pending, and the dispatcher hands it over again.
WITH free AS (
    SELECT id FROM messages
    WHERE id = ANY (:ids::uuid[]) AND status = 'pending' AND scheduled_for <= now()
      AND in_calendar_order(messages)
    FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE messages
    SET status = 'sending', attempts = attempts + 1,
        claimed_until = now() + :lease::interval, updated_at = now()
    WHERE id IN (SELECT id FROM free)
    RETURNING id, client_id, staff_id, kind, channel, programme_id, session_id, meeting_id,
              subject_type, subject_id, attempts, retry_until, changes
)
SELECT m.id, m.client_id, m.kind, m.channel, m.programme_id, m.session_id, m.meeting_id,
       m.attempts, m.retry_until, m.changes, m.staff_id, m.subject_type, m.subject_id,
       staff.email AS staff_email, staff.name AS staff_name, staff.active AS staff_active,
       c.first_name, c.email, c.phone, c.language, c.plain_language,
       EXISTS (SELECT FROM consents k WHERE k.client_id = c.id
               AND k.purpose = 'email_reminders' AND consent_is_valid(k, now())) AS email_ok,
       EXISTS (SELECT FROM consents k WHERE k.client_id = c.id
               AND k.purpose = 'sms_reminders' AND consent_is_valid(k, now())) AS sms_ok,
       (SELECT e.status FROM enrolments e
        WHERE e.programme_id = p.id AND e.client_id = c.id
        ORDER BY e.created_at DESC LIMIT 1) AS enrolment_status,
       p.title, p.timezone, p.duration_minutes, p.location_name, p.location_address,
       p.online_url, p.cancelled_at, o.name AS organisation,
       -- The series as this client has been sent it (series_sequences).
       p.ical_sequence + coalesce(q.added, 0) AS ical_sequence,
       greatest(p.updated_at, q.changed_at) AS updated_at,
       (SELECT st.phone FROM programme_staff ps JOIN staff st ON st.id = ps.staff_id
        WHERE ps.programme_id = p.id AND ps.role = 'facilitator' AND st.phone IS NOT NULL
        ORDER BY st.name LIMIT 1) AS organiser_phone,
       s.planned_starts_at, s.starts_at, s.ends_at,
       s.location_name AS session_location_name,
       s.location_address AS session_location_address,
       s.online_url AS session_online_url, s.status AS session_status, s.revision,
       s.updated_at AS session_updated_at,
       c.timezone AS client_timezone,
       mt.starts_at AS meeting_starts_at, mt.ends_at AS meeting_ends_at,
       mt.timezone AS meeting_timezone, mt.location_name AS meeting_location_name,
       mt.location_address AS meeting_location_address,
       mt.online_url AS meeting_online_url, mt.status AS meeting_status,
       mt.revision AS meeting_revision, mt.updated_at AS meeting_updated_at,
       (SELECT st.phone FROM plan_coaches pc JOIN staff st ON st.id = pc.staff_id
        WHERE pc.plan_id = mt.plan_id AND st.phone IS NOT NULL
        ORDER BY st.name LIMIT 1) AS coach_phone,
       reply_to.name AS reply_name, reply_to.email AS reply_email
FROM claimed m
LEFT JOIN staff ON staff.id = m.staff_id
LEFT JOIN clients c ON c.id = m.client_id
LEFT JOIN programmes p ON p.id = m.programme_id
LEFT JOIN organisations o ON o.id = p.organisation_id
LEFT JOIN series_sequences q ON q.programme_id = m.programme_id AND q.client_id = m.client_id
LEFT JOIN sessions s ON s.id = m.session_id
LEFT JOIN meetings mt ON mt.id = m.meeting_id
-- Whom a client's e-mail reply reaches: their responsible worker who has been so the
-- longest, else the group's facilitator, else the meeting's coach.
LEFT JOIN LATERAL (
    SELECT st.name, st.email
    FROM (
        SELECT cw.staff_id, 1 AS rank, cw.since FROM client_workers cw
        WHERE cw.client_id = c.id
        UNION ALL
        SELECT ps.staff_id, 2, NULL FROM programme_staff ps
        WHERE ps.programme_id = p.id AND ps.role = 'facilitator'
        UNION ALL
        SELECT pc.staff_id, 3, NULL FROM plan_coaches pc WHERE pc.plan_id = mt.plan_id
    ) AS candidate
    JOIN staff st ON st.id = candidate.staff_id
    WHERE st.active AND st.email IS NOT NULL
    ORDER BY candidate.rank, candidate.since, st.name
    LIMIT 1
) AS reply_to ON true;

-- name: programme_occurrences(programme_id)
SELECT id, planned_starts_at, starts_at, ends_at, location_name, location_address,
       online_url, status, revision, updated_at, number, theme
FROM sessions
WHERE programme_id = :programme_id
ORDER BY number;

-- Delivery log ------------------------------------------------------------------------

-- name: client_messages(client_id, before_at, before_id, limit)
SELECT id, kind, channel, status, scheduled_for, sent_at, status_reason, attempts,
       programme_id, session_id
FROM messages
WHERE client_id = :client_id AND (scheduled_for, id) < (:before_at, :before_id::uuid)
ORDER BY scheduled_for DESC, id DESC
LIMIT :limit;

-- One-time codes for the client's page (compose_code.py) ---------------------------

-- name: insert_client_notice(client_id, channel, subject_type, subject_id)!
INSERT INTO messages (client_id, kind, channel, subject_type, subject_id, scheduled_for)
VALUES (:client_id, 'notice', :channel, :subject_type, :subject_id, now());

-- name: take_code_text(id)$
-- The code's digits, wiped as they are read; none once used, replaced or run out.
WITH code AS (
    SELECT id, code_text FROM client_page_codes
    WHERE id = :id AND code_text IS NOT NULL AND used_at IS NULL AND expires_at > now()
    FOR UPDATE
), wiped AS (
    UPDATE client_page_codes c SET code_text = NULL FROM code WHERE c.id = code.id
)
SELECT code_text FROM code;

-- name: insert_page_link_message(client_id, channel, scheduled_for, page_link_id, url)$
-- A message carrying the client's page link; the link waits beside it until it is sent
-- (migration 0024 deletes it then, and cancels the message if the link dies first).
WITH message AS (
    INSERT INTO messages (client_id, kind, channel, scheduled_for)
    VALUES (:client_id, 'page_link', :channel, :scheduled_for)
    RETURNING id
), secret AS (
    INSERT INTO page_link_messages (message_id, page_link_id, url)
    SELECT id, :page_link_id, :url FROM message
)
SELECT id FROM message;

-- name: page_link_of_message(message_id)^
-- The link a page_link message carries, while the link is live.
SELECT pm.url, l.expires_at
FROM page_link_messages pm
JOIN client_page_links l ON l.id = pm.page_link_id
WHERE pm.message_id = :message_id AND l.revoked_at IS NULL AND l.expires_at > now();
