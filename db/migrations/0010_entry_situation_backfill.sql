-- Places and plans that began before Polku kept the situation at entry: the best record
-- there is, the client's situation now, is kept for them once, so that later changes to
-- the client record no longer move what the ESF+ export reports as their entry.
UPDATE enrolments e
SET labour_market_status_at_entry = c.labour_market_status,
    education_level_at_entry = c.education_level
FROM clients c
WHERE c.id = e.client_id AND e.enrolled_at IS NOT NULL
  AND e.labour_market_status_at_entry IS NULL AND e.education_level_at_entry IS NULL;

UPDATE plans p
SET labour_market_status_at_entry = c.labour_market_status,
    education_level_at_entry = c.education_level
FROM clients c
WHERE c.id = p.client_id
  AND p.labour_market_status_at_entry IS NULL AND p.education_level_at_entry IS NULL;
