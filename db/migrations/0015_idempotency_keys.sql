-- Idempotency-Key on signed-in POSTs: the first answer to a key, kept for 24 hours
-- so that a repeat gets it again instead of creating a second record.
--
-- The row is written in the request's own transaction before the handler runs, so a
-- concurrent repeat waits on the primary key until the first commits (then replays
-- its answer) or rolls back (then runs itself). The key and the request are kept only
-- as digests; the answer is kept as sent, and the worker deletes it after 24 hours.

CREATE TABLE idempotency_keys (
    staff_id uuid NOT NULL REFERENCES staff (id) ON DELETE CASCADE,
    key_digest bytea NOT NULL,
    -- HMAC of method, path, query and canonical body, keyed with the key itself.
    request_digest bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    -- The answer, filled in before the transaction that created the row commits.
    status smallint,
    media_type text,
    headers jsonb,
    body bytea,
    PRIMARY KEY (staff_id, key_digest)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
