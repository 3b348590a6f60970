-- Everything Polku holds on one client, read across every domain's tables for the
-- export (docs/export.md). Staff are named by name and organisation, as the client
-- reads them. Never a token digest, a code or a link secret.

-- name: record(client_id)^
SELECT c.id, c.first_name, c.last_name, c.birth_date, c.gender, c.home_municipality,
       c.email, c.phone, c.language, c.plain_language, c.timezone,
       c.labour_market_status, c.education_level, c.non_disclosure, c.created_at, c.updated_at,
       o.id AS organisation_id, o.name AS organisation, cb.name AS created_by,
       c.closed_on, c.closed_at, xb.name AS closed_by, c.close_reason, c.retention_until,
       c.erased_at
FROM clients c
JOIN organisations o ON o.id = c.organisation_id
LEFT JOIN staff cb ON cb.id = c.created_by
LEFT JOIN staff xb ON xb.id = c.closed_by
WHERE c.id = :client_id;

-- name: record_changes(client_id)
SELECT ch.id, ch.changed_at, s.name AS changed_by, so.name AS changed_by_organisation,
       ch.field, ch.old_value AS old_value, ch.new_value AS new_value
FROM client_record_changes ch
LEFT JOIN staff s ON s.id = ch.changed_by
LEFT JOIN organisations so ON so.id = s.organisation_id
WHERE ch.client_id = :client_id
ORDER BY ch.id;

-- name: workers(client_id)
SELECT s.id AS staff_id, s.name, o.name AS organisation, w.relation, w.since
FROM client_workers w
JOIN staff s ON s.id = w.staff_id
JOIN organisations o ON o.id = s.organisation_id
WHERE w.client_id = :client_id
ORDER BY w.since, s.id;

-- name: consents(client_id)
SELECT k.id, k.purpose,
       ARRAY(SELECT o.name FROM organisations o WHERE o.id = ANY (k.organisation_ids)
             ORDER BY o.name) AS organisations,
       k.given_at, k.valid_until, rb.name AS recorded_by,
       k.revoked_at, vb.name AS revoked_by, k.revocation_reason,
       consent_is_valid(k, now()) AS valid
FROM consents k
JOIN staff rb ON rb.id = k.recorded_by
LEFT JOIN staff vb ON vb.id = k.revoked_by
WHERE k.client_id = :client_id
ORDER BY k.given_at, k.id;

-- name: enrolments(client_id)
SELECT e.id, e.programme_id, p.title AS programme, e.status, e.waitlist_position,
       e.referral_id, e.created_at, e.enrolled_at, e.withdrawn_at, e.withdrawal_reason,
       e.labour_market_status_at_entry, e.education_level_at_entry
FROM enrolments e JOIN programmes p ON p.id = e.programme_id
WHERE e.client_id = :client_id
ORDER BY e.created_at, e.id;

-- name: attendance(client_id)
SELECT a.session_id, p.title AS programme, s.number, s.starts_at, a.status,
       a.recorded_at, rb.name AS recorded_by
FROM attendance a
JOIN sessions s ON s.id = a.session_id
JOIN programmes p ON p.id = s.programme_id
LEFT JOIN staff rb ON rb.id = a.recorded_by
WHERE a.client_id = :client_id
ORDER BY s.starts_at, a.session_id;

-- name: programme_feedback(client_id)
SELECT f.enrolment_id, p.title AS programme, f.got_support, f.new_plans, f.comment,
       f.recorded_at, rb.name AS recorded_by
FROM programme_feedback f
JOIN programmes p ON p.id = f.programme_id
JOIN staff rb ON rb.id = f.recorded_by
WHERE f.client_id = :client_id
ORDER BY f.recorded_at;

-- name: attention_flags(client_id)
SELECT f.id, p.title AS programme, f.reason, f.since, f.details AS details,
       f.created_at, f.resolved_at
FROM attention_flags f JOIN programmes p ON p.id = f.programme_id
WHERE f.client_id = :client_id
ORDER BY f.created_at, f.id;

-- name: rsvps(client_id)
SELECT r.id, r.session_id, r.meeting_id, r.answer, r.via, r.answered_at
FROM rsvps r WHERE r.client_id = :client_id
ORDER BY r.id;

-- name: plans(client_id)
SELECT pl.id, pl.kind, pl.starts_on, pl.ends_on, pl.created_at, pl.updated_at,
       cb.name AS created_by, pl.labour_market_status_at_entry, pl.education_level_at_entry,
       ARRAY(SELECT s.name FROM plan_coaches pc JOIN staff s ON s.id = pc.staff_id
             WHERE pc.plan_id = pl.id ORDER BY s.name) AS coaches
FROM plans pl LEFT JOIN staff cb ON cb.id = pl.created_by
WHERE pl.client_id = :client_id
ORDER BY pl.starts_on, pl.id;

-- name: goals(client_id)
SELECT g.id, g.plan_id, g.position, g.title, g.weight, g.baseline, g.levels AS levels,
       g.created_at, g.updated_at
FROM goals g JOIN plans pl ON pl.id = g.plan_id
WHERE pl.client_id = :client_id
ORDER BY g.plan_id, g.position;

-- name: ratings(client_id)
SELECT r.id, r.goal_id, r.level, r.rated_on, r.note, r.rater, s.name AS rated_by,
       r.created_at
FROM goal_ratings r
JOIN goals g ON g.id = r.goal_id
JOIN plans pl ON pl.id = g.plan_id
LEFT JOIN staff s ON s.id = r.rated_by
WHERE pl.client_id = :client_id
ORDER BY r.goal_id, r.rated_on, r.created_at;

-- name: continuations(client_id)
SELECT c.plan_id, c.next_step, c.description, c.target_date, c.updated_at,
       s.name AS updated_by
FROM continuation_plans c
JOIN plans pl ON pl.id = c.plan_id
LEFT JOIN staff s ON s.id = c.updated_by
WHERE pl.client_id = :client_id;

-- name: meetings(client_id)
SELECT m.id, m.plan_id, m.starts_at, m.ends_at, m.timezone, m.location_name,
       m.location_address, m.online_url, m.status, m.cancellation_reason, m.created_at
FROM meetings m JOIN plans pl ON pl.id = m.plan_id
WHERE pl.client_id = :client_id
ORDER BY m.starts_at, m.id;

-- name: notes(client_id)
SELECT n.id, n.plan_id, n.body, s.name AS author, n.created_at
FROM plan_notes n
JOIN plans pl ON pl.id = n.plan_id
JOIN staff s ON s.id = n.author_id
WHERE pl.client_id = :client_id
ORDER BY n.created_at, n.id;

-- name: assessments(client_id)
SELECT a.id, i.key AS instrument, i.version AS instrument_version,
       (i.definition -> 'name') AS instrument_name, a.assessed_on,
       a.answers AS answers, a.scores AS scores, a.answered_by,
       s.name AS recorded_by, a.created_at
FROM assessments a
JOIN instruments i ON i.id = a.instrument_id
LEFT JOIN staff s ON s.id = a.recorded_by
WHERE a.client_id = :client_id
ORDER BY a.assessed_on, a.id;

-- name: assessment_requests(client_id)
SELECT q.id, q.plan_id, i.key AS instrument, s.name AS requested_by, q.requested_at,
       q.assessment_id, q.answered_at
FROM assessment_requests q
JOIN instruments i ON i.id = q.instrument_id
JOIN staff s ON s.id = q.requested_by
WHERE q.client_id = :client_id
ORDER BY q.requested_at, q.id;

-- name: strengths_cv(client_id)^
SELECT cv.summary, cv.strengths, cv.skills, cv.experience AS experience,
       cv.interests, cv.updated_at, s.name AS updated_by
FROM strengths_cvs cv LEFT JOIN staff s ON s.id = cv.updated_by
WHERE cv.client_id = :client_id;

-- name: referrals(client_id)
SELECT r.id, CASE WHEN r.programme_id IS NULL THEN 'service' ELSE 'programme' END AS kind,
       coalesce(sv.name, p.title) AS target, fo.name AS from_organisation,
       tor.name AS to_organisation, rb.name AS referred_by, r.reason, r.needs, r.status,
       r.status_reason, r.consent_id, r.enrolment_id, r.created_at, r.answered_at,
       r.accepted_at, r.started_at, r.ended_at
FROM referrals r
LEFT JOIN services sv ON sv.id = r.service_id
LEFT JOIN programmes p ON p.id = r.programme_id
JOIN organisations fo ON fo.id = r.from_organisation_id
JOIN organisations tor ON tor.id = r.to_organisation_id
JOIN staff rb ON rb.id = r.referred_by
WHERE r.client_id = :client_id
ORDER BY r.created_at, r.id;

-- name: referral_events(client_id)
SELECT e.id, e.referral_id, e.from_status, e.to_status, e.reason, e.at, s.name AS actor
FROM referral_events e
JOIN referrals r ON r.id = e.referral_id
LEFT JOIN staff s ON s.id = e.actor_id
WHERE r.client_id = :client_id
ORDER BY e.referral_id, e.seq;

-- name: participant_support(client_id)
SELECT p.id, p.programme_id, p.session_id, se.starts_at, p.kind,
       p.amount_eur::text AS amount_eur, p.note, g.name AS given_by, p.given_at
FROM participant_support p
JOIN sessions se ON se.id = p.session_id
JOIN staff g ON g.id = p.given_by
WHERE p.client_id = :client_id
ORDER BY se.starts_at, p.given_at, p.id;

-- name: questionnaires(client_id)
-- Every round the client answered; the answers only of a named round (an anonymous
-- round keeps no link from an answer to its writer, so there is none to give).
SELECT r.id AS round_id, r.programme_id, q.key AS questionnaire, q.version, r.anonymous,
       r.opens_on, r.closes_on, a.id AS answer_id, a.answers, a.answered_at
FROM questionnaire_respondents p
JOIN questionnaire_rounds r ON r.id = p.round_id
JOIN questionnaires q ON q.id = r.questionnaire_id
LEFT JOIN questionnaire_answers a ON a.round_id = p.round_id AND a.client_id = p.client_id
WHERE p.client_id = :client_id
ORDER BY r.opens_on, r.id;

-- name: exits(client_id)
SELECT x.id, x.programme_id, x.plan_id, x.left_on, x.situation, s.name AS recorded_by,
       x.recorded_at
FROM exits x JOIN staff s ON s.id = x.recorded_by
WHERE x.client_id = :client_id
ORDER BY x.recorded_at, x.id;

-- name: follow_ups(client_id)
SELECT f.id, f.exit_id, f.due_on, f.status, f.asked_at, f.situation, f.recorded_on,
       f.source, s.name AS recorded_by, f.answered_at, f.created_at
FROM follow_ups f LEFT JOIN staff s ON s.id = f.recorded_by
WHERE f.client_id = :client_id
ORDER BY f.created_at, f.id;

-- name: esf_entry(client_id)^
SELECT e.disability, e.minority, e.homelessness, s.name AS recorded_by, e.recorded_at
FROM esf_sensitive_answers e JOIN staff s ON s.id = e.recorded_by
WHERE e.client_id = :client_id;

-- name: messages(client_id)
-- The messages to the client and their delivery, with what each said as it was sent
-- (migration 0037): none for a message not sent, sent before Polku kept texts, or that
-- carried a one-time code or a page link, secrets wiped once they go.
SELECT m.id, m.kind, m.channel, m.status, p.title AS programme, s.number AS session_number,
       m.meeting_id, m.subject_type, m.offset_spec, m.changes, m.scheduled_for, m.sent_at,
       m.attempts, m.status_reason, m.created_at, m.updated_at,
       m.sent_subject AS subject_line, m.sent_text AS text
FROM messages m
LEFT JOIN programmes p ON p.id = m.programme_id
LEFT JOIN sessions s ON s.id = m.session_id
WHERE m.client_id = :client_id
ORDER BY m.scheduled_for, m.id;

-- name: inbound_sms(client_id)
SELECT i.id, i.received_at, i.handled_as, i.text
FROM inbound_sms i WHERE i.client_id = :client_id
ORDER BY i.received_at, i.id;

-- name: notices(client_id)
SELECT n.id, n.kind, s.name AS staff_name, n.event_id, n.inbound_sms_id, n.created_at,
       n.read_at
FROM notices n JOIN staff s ON s.id = n.staff_id
WHERE n.client_id = :client_id
ORDER BY n.created_at, n.id;

-- name: calendar_feeds(client_id)
-- Whether and when the client had a calendar link; never its digest.
SELECT f.id, s.name AS created_by, f.created_at, f.revoked_at, f.last_fetched_at,
       f.page_link_id IS NOT NULL AS from_page
FROM calendar_feeds f JOIN staff s ON s.id = f.created_by
WHERE f.client_id = :client_id
ORDER BY f.created_at, f.id;

-- name: page_links(client_id)
SELECT l.id, s.name AS created_by, l.created_at, l.expires_at, l.revoked_at
FROM client_page_links l JOIN staff s ON s.id = l.created_by
WHERE l.client_id = :client_id
ORDER BY l.created_at, l.id;

-- name: page_codes(client_id)
-- One-time codes sent for the page: when and how, never the digits or their digest.
SELECT k.id, k.link_id, k.channel, k.created_at, k.expires_at, k.wrong_tries, k.used_at
FROM client_page_codes k JOIN client_page_links l ON l.id = k.link_id
WHERE l.client_id = :client_id
ORDER BY k.created_at, k.id;

-- name: page_sessions(client_id)
-- The personal part opened by a right code: when, until when; never the cookie's digest.
SELECT v.id, v.link_id, v.created_at, v.expires_at
FROM client_page_sessions v JOIN client_page_links l ON l.id = v.link_id
WHERE l.client_id = :client_id
ORDER BY v.created_at, v.id;

-- name: access_requests(client_id)
SELECT q.id, q.received_on, q.due_on, rb.name AS recorded_by, q.recorded_at,
       q.answered_at, ab.name AS answered_by
FROM access_requests q
JOIN staff rb ON rb.id = q.recorded_by
LEFT JOIN staff ab ON ab.id = q.answered_by
WHERE q.client_id = :client_id
ORDER BY q.received_on, q.id;

-- name: legal_holds(client_id)
SELECT h.id, h.reason, pb.name AS placed_by, h.placed_at, lb.name AS lifted_by, h.lifted_at
FROM legal_holds h
JOIN staff pb ON pb.id = h.placed_by
LEFT JOIN staff lb ON lb.id = h.lifted_by
WHERE h.client_id = :client_id
ORDER BY h.placed_at, h.id;

-- name: access_log(client_id)
-- Who has read or changed the client's data, or tried to: the staff member and their
-- organisation, the client themself (on their page), or Polku (no actor).
SELECT e.id, e.occurred_at,
       CASE WHEN e.actor_id IS NOT NULL THEN 'staff'
            WHEN e.actor_client_id IS NOT NULL THEN 'client'
            ELSE 'system' END AS actor_kind,
       s.name AS staff_name, o.name AS organisation, e.action, e.outcome,
       e.subject_type, e.subject_id, e.detail AS detail
FROM audit_events e
LEFT JOIN staff s ON s.id = e.actor_id
LEFT JOIN organisations o ON o.id = s.organisation_id
WHERE e.client_id = :client_id
ORDER BY e.id;

-- Access requests --------------------------------------------------------------------

-- name: client_organisation(client_id)$
SELECT organisation_id FROM clients WHERE id = :client_id;

-- name: insert_request(client_id, received_on, due_on, recorded_by)^
INSERT INTO access_requests (client_id, received_on, due_on, recorded_by)
VALUES (:client_id, :received_on, :due_on, :recorded_by)
RETURNING id, client_id, received_on, due_on, recorded_by, recorded_at, answered_at,
          answered_by;

-- name: request_client(id)$
SELECT client_id FROM access_requests WHERE id = :id;

-- name: answer_request(id, answered_by, export_sha256)^
UPDATE access_requests
SET answered_at = now(), answered_by = :answered_by, export_sha256 = :export_sha256
WHERE id = :id AND answered_at IS NULL
RETURNING id, client_id, received_on, due_on, recorded_by, recorded_at, answered_at,
          answered_by;

-- name: organisation_requests(organisation_id, waiting, due_from, due_before, answered, after_due, after_id, limit)
-- An organisation's access requests by due day: the waiting ones due within
-- [due_from, due_before) (either bound may be null), the answered ones, or both.
SELECT q.id, q.client_id, c.first_name || ' ' || left(c.last_name, 1) || '.' AS client_name,
       q.received_on, q.due_on, q.recorded_by, q.recorded_at, q.answered_at, q.answered_by
FROM access_requests q JOIN clients c ON c.id = q.client_id
WHERE c.organisation_id = :organisation_id
  AND ((:waiting AND q.answered_at IS NULL
        AND (:due_from::date IS NULL OR q.due_on >= :due_from::date)
        AND (:due_before::date IS NULL OR q.due_on < :due_before::date))
       OR (:answered AND q.answered_at IS NOT NULL))
  AND (q.due_on, q.id) > (:after_due, :after_id::uuid)
ORDER BY q.due_on, q.id
LIMIT :limit;

-- name: client_requests(client_id)
SELECT q.id, q.client_id, q.received_on, q.due_on, q.recorded_by, q.recorded_at,
       q.answered_at, q.answered_by
FROM access_requests q WHERE q.client_id = :client_id
ORDER BY q.received_on DESC, q.id;
