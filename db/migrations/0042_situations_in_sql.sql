-- A client's situations (upon leaving, six months on, whether asked) as one SQL
-- statement the planner inlines into the query that asks, instead of a PL/pgSQL call
-- of three statements per client: the outcome report asks it of every participant
-- (two thousand for an NGO's year), and the calls were a third of its time in the
-- database (bench/README, the outcome report). The same answers as 0027's function:
-- the latest exit record, the latest answered follow-up, and whether a follow-up was
-- asked or answered, the two last from one pass over the client's follow-ups.
DROP FUNCTION situations_of(uuid);
CREATE FUNCTION situations_of(client uuid)
RETURNS TABLE (upon_leaving text, six_months text, asked boolean)
LANGUAGE sql STABLE ROWS 1 AS $$
    SELECT (SELECT x.situation FROM exits x WHERE x.client_id = client
            ORDER BY x.recorded_at DESC, x.id DESC LIMIT 1),
           (array_agg(f.situation ORDER BY f.answered_at DESC, f.id DESC)
               FILTER (WHERE f.status = 'answered'))[1],
           coalesce(bool_or(f.status IN ('asked', 'answered')), false)
    FROM follow_ups f WHERE f.client_id = client
$$;
