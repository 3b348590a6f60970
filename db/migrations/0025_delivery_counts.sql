-- Sends and failures by channel and reason, for /metrics. The worker counts each
-- outcome in the statement that records it, so the figures cover every worker and
-- survive their restarts; a scrape sums a few dozen rows. Each kind is spread over a
-- few rows (shard, picked at random per count) so that concurrent sends do not queue
-- on one row's lock.
CREATE TABLE delivery_counts (
    channel text NOT NULL CHECK (channel IN ('email', 'sms')),
    -- sent; retry (a try failed for now, the message is due again); failed (for good)
    outcome text NOT NULL CHECK (outcome IN ('sent', 'retry', 'failed')),
    -- why a try failed, from a fixed set (service/notifications/delivery_failures.py);
    -- 'none' for a message sent. Never a server's text.
    reason text NOT NULL CHECK (reason IN (
        'none', 'refused', 'deferred', 'unreachable', 'timeout', 'not_configured',
        'internal', 'interrupted'
    )),
    shard smallint NOT NULL,
    count bigint NOT NULL,
    PRIMARY KEY (channel, outcome, reason, shard)
);
