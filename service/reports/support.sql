-- The support report: participant support (tickets, rides, meals) by programme and kind.

-- name: support_costs(organisation_ids, period_start, period_end)
-- Support given at the organisations' sessions that began in the period, summed in
-- numeric: per programme and kind, per programme, per kind, and overall (the grouping
-- columns that are NULL say which). People are counted once per row, however many
-- entries they had. Programmes are found by organisation and period first
-- (programmes_organisation), so the work follows the organisation's own sessions, not
-- the size of the database.
SELECT p.id AS programme_id, min(p.title) AS title, ps.kind,
       GROUPING(p.id) AS all_programmes, GROUPING(ps.kind) AS all_kinds,
       count(*) AS entries, count(DISTINCT ps.client_id) AS participants,
       sum(ps.amount_eur) AS amount_eur
FROM programmes p
JOIN sessions s ON s.programme_id = p.id
JOIN participant_support ps ON ps.session_id = s.id
WHERE p.organisation_id = ANY (:organisation_ids::uuid[])
  AND p.starts_at < :period_end AND p.ends_at > :period_start
  AND s.starts_at >= :period_start AND s.starts_at < :period_end
GROUP BY GROUPING SETS ((p.id, ps.kind), (p.id), (ps.kind), ());

-- name: support_per_participant(client_ids, organisation_ids, period_start, period_end)
-- Each participant's support total at the organisations' sessions in the period (the
-- ESF+ export's column).
SELECT ps.client_id, sum(ps.amount_eur) AS amount_eur
FROM participant_support ps
JOIN sessions s ON s.id = ps.session_id
JOIN programmes p ON p.id = ps.programme_id
WHERE ps.client_id = ANY (:client_ids::uuid[])
  AND p.organisation_id = ANY (:organisation_ids::uuid[])
  AND s.starts_at >= :period_start AND s.starts_at < :period_end
GROUP BY ps.client_id;
