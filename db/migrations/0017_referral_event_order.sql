-- A referral's history in the order its moves happened. `at` used to be the start of
-- the moving transaction, so a move that began first but committed second could sort
-- first; moves of one referral take turns on its row lock, and a sequence drawn after
-- the lock follows that order.
ALTER TABLE referral_events ADD COLUMN seq bigint;
UPDATE referral_events e SET seq = ordered.n
FROM (SELECT id, row_number() OVER (ORDER BY at, id) AS n FROM referral_events) ordered
WHERE ordered.id = e.id;
CREATE SEQUENCE referral_events_seq OWNED BY referral_events.seq;
SELECT setval('referral_events_seq', coalesce((SELECT max(seq) FROM referral_events), 0) + 1,
              false);
ALTER TABLE referral_events
    ALTER COLUMN seq SET DEFAULT nextval('referral_events_seq'),
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN at SET DEFAULT clock_timestamp();
CREATE INDEX referral_events_order ON referral_events (referral_id, seq);
GRANT USAGE, SELECT ON SEQUENCE referral_events_seq TO polku_app;
