-- Messages a server turned away for a while, and updates that say what changed.

-- Set when a try first fails for a passing reason (a greylisting 450, a server out
-- of reach): the message is tried again with growing waits until then, and fails
-- after. NULL while no try has failed that way.
ALTER TABLE messages ADD COLUMN retry_until timestamptz;

-- Tries that a worker claimed and never finished (it died, or its job was cancelled).
-- These have no answer to judge by, so they are counted rather than timed: a message
-- that keeps taking its worker down is given up after a few.
ALTER TABLE messages ADD COLUMN unfinished_tries int NOT NULL DEFAULT 0;

-- For an update: what changed (time, place, link, title, theme), so that its text can
-- say so. An update that replaces one not yet sent carries that one's changes too.
ALTER TABLE messages ADD COLUMN changes text[] NOT NULL DEFAULT '{}';
