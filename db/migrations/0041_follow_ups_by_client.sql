-- A client's follow-ups, whatever their status. Only the open ones had an index (one per
-- client), so every read of an answered or cancelled follow-up by client (the outcome
-- report's situations six months on, once per participant; the work list; a client's
-- export) read the whole table: with a year of exits behind it, an NGO's report read it
-- two thousand times.
CREATE INDEX follow_ups_client ON follow_ups (client_id);
