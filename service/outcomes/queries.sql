-- name: client_left(client_id, programme_id, plan_id)$
-- Whether the client was in the programme (enrolled at some point) or has the plan.
SELECT CASE
    WHEN :programme_id::uuid IS NOT NULL THEN EXISTS (
        SELECT FROM enrolments e
        WHERE e.client_id = :client_id AND e.programme_id = :programme_id::uuid
          AND e.status IN ('enrolled', 'withdrawn'))
    WHEN :plan_id::uuid IS NOT NULL THEN EXISTS (
        SELECT FROM plans p WHERE p.client_id = :client_id AND p.id = :plan_id::uuid)
    ELSE true
END;

-- name: insert_exit(client_id, programme_id, plan_id, left_on, situation, recorded_by)^
INSERT INTO exits (client_id, programme_id, plan_id, left_on, situation, recorded_by)
VALUES (:client_id, :programme_id, :plan_id, :left_on, :situation, :recorded_by)
RETURNING id, client_id, programme_id, plan_id, left_on, situation, recorded_by, recorded_at;

-- name: schedule_follow_up(client_id, exit_id, due_on)!
-- One open follow-up per client: the latest exit decides when it is due, until asked.
-- A closed client relationship is asked nothing: an exit recorded after it schedules none.
INSERT INTO follow_ups (client_id, exit_id, due_on)
SELECT :client_id::uuid, :exit_id::uuid, :due_on::date
WHERE NOT EXISTS (SELECT FROM clients c WHERE c.id = :client_id AND c.closed_at IS NOT NULL)
ON CONFLICT (client_id) WHERE status IN ('scheduled', 'asked')
DO UPDATE SET exit_id = EXCLUDED.exit_id, due_on = EXCLUDED.due_on
WHERE follow_ups.status = 'scheduled';

-- name: exits(client_id)
SELECT id, client_id, programme_id, plan_id, left_on, situation, recorded_by, recorded_at
FROM exits WHERE client_id = :client_id
ORDER BY recorded_at DESC, id DESC;

-- name: follow_ups(client_id, overdue_before)
SELECT id, client_id, exit_id, due_on, status, asked_at, situation, recorded_on, source,
       status = 'asked' AND asked_at < :overdue_before AS overdue
FROM follow_ups WHERE client_id = :client_id
ORDER BY due_on DESC, id DESC;

-- name: follow_up_client(id)$
SELECT client_id FROM follow_ups WHERE id = :id;

-- name: answer(id, situation, recorded_on, source, recorded_by)^
-- Recorded once: a later answer (a worker correcting what a client replied) replaces it.
UPDATE follow_ups
SET status = 'answered', situation = :situation, recorded_on = :recorded_on,
    source = :source, recorded_by = :recorded_by, answered_at = now()
WHERE id = :id AND status <> 'cancelled'
RETURNING id, client_id, exit_id, due_on, status, asked_at, situation, recorded_on, source,
          false AS overdue;

-- name: ask_due(today)$
-- The day's questions, each asked once however many passes run at the same moment: a
-- pass takes the scheduled rows (a second one waits on their locks, then finds them
-- asked), and queues each question on the client's consented channel, SMS first. With
-- neither, it is asked all the same: it falls to the worker after 14 days. Each asking
-- is audited.
WITH asked AS (
    -- A closed client is never asked (closing cancels the open follow-up; this holds
    -- for one scheduled afterwards too).
    UPDATE follow_ups SET status = 'asked', asked_at = now()
    WHERE status = 'scheduled' AND due_on <= :today
      AND NOT EXISTS (
          SELECT FROM clients c WHERE c.id = follow_ups.client_id AND c.closed_at IS NOT NULL
      )
    RETURNING id, client_id
), queued AS (
    INSERT INTO messages (client_id, kind, channel, subject_type, subject_id, scheduled_for)
    SELECT a.client_id, 'follow_up', ch.channel, 'follow_up', a.id, now()
    FROM asked a
    JOIN clients c ON c.id = a.client_id
    CROSS JOIN LATERAL (
        SELECT channel FROM (VALUES
            ('sms', 1, c.phone IS NOT NULL AND EXISTS (
                SELECT FROM consents k WHERE k.client_id = c.id
                AND k.purpose = 'sms_reminders' AND consent_is_valid(k, now()))),
            ('email', 2, c.email IS NOT NULL AND EXISTS (
                SELECT FROM consents k WHERE k.client_id = c.id
                AND k.purpose = 'email_reminders' AND consent_is_valid(k, now())))
        ) AS options (channel, rank, possible)
        WHERE possible ORDER BY rank LIMIT 1
    ) AS ch
    RETURNING subject_id, channel
), audited AS (
    -- The system asked (no actor); the channel, or none: then it waits for the worker.
    INSERT INTO audit_events (action, client_id, subject_type, subject_id, detail)
    SELECT 'follow_up.ask', a.client_id, 'follow_up', a.id,
           jsonb_build_object('channel', q.channel)
    FROM asked a LEFT JOIN queued q ON q.subject_id = a.id
)
SELECT count(*) FROM asked;

-- name: pathway(client_id)
SELECT 'exit' AS what, x.id, x.recorded_at AS at, x.situation, x.left_on AS day, NULL AS source
FROM exits x WHERE x.client_id = :client_id
UNION ALL
SELECT 'follow_up', f.id, f.answered_at, f.situation,
       f.recorded_on, f.source
FROM follow_ups f WHERE f.client_id = :client_id AND f.status = 'answered'
UNION ALL
SELECT 'question', f.id, f.asked_at, NULL, f.due_on, NULL
FROM follow_ups f WHERE f.client_id = :client_id AND f.asked_at IS NOT NULL;

-- name: asked_follow_up(client_id)$
-- The client's follow-up question that has been asked and waits for an answer.
SELECT id FROM follow_ups WHERE client_id = :client_id AND status = 'asked';
