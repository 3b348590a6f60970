-- A calendar e-mail (invite, update, cancellation) goes out only after every one
-- written before it to the same person about the same series or meeting has gone
-- (or been given up): a calendar ignores an update for an event it has not been
-- invited to, and would keep a cancelled one that its late invite brings back.
CREATE FUNCTION in_calendar_order(message messages)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT message.kind NOT IN ('invite', 'update', 'cancellation')
        OR message.channel <> 'email'
        OR message.client_id IS NULL
        OR NOT EXISTS (
            SELECT FROM messages earlier
            WHERE earlier.client_id = message.client_id
              AND earlier.programme_id IS NOT DISTINCT FROM message.programme_id
              AND earlier.meeting_id IS NOT DISTINCT FROM message.meeting_id
              AND earlier.kind IN ('invite', 'update', 'cancellation')
              AND earlier.channel = 'email'
              AND earlier.status IN ('pending', 'sending')
              AND (earlier.created_at, earlier.id) < (message.created_at, message.id)
        )
$$;
