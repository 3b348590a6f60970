-- Two-way messages (issue 18): clients' phone numbers findable in E.164, the SMS
-- replies the gateway hands over, notices that carry a client's message as well as a
-- change to a referral, and the short replies Polku sends back.

-- A phone number as the gateway writes a sender: +358401234567. Finnish local forms
-- (040 123 4567) and 00-prefixed ones are accepted; NULL for what is no number.
-- service/base/phones.py states the same rule in Python (tests hold the two together).
CREATE FUNCTION phone_e164(phone text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    digits text := regexp_replace(phone, '[[:space:]().-]', '', 'g');
    e164 text;
BEGIN
    e164 := CASE
        WHEN digits LIKE '+%' THEN digits
        WHEN digits LIKE '00%' THEN '+' || substr(digits, 3)
        WHEN digits LIKE '0%' THEN '+358' || substr(digits, 2)
        ELSE '+' || digits
    END;
    RETURN CASE WHEN e164 ~ '^\+[1-9][0-9]{6,14}$' THEN e164 END;
END
$$;

ALTER TABLE clients ADD COLUMN phone_e164 text GENERATED ALWAYS AS (phone_e164(phone)) STORED;
CREATE INDEX clients_phone_e164 ON clients (phone_e164) WHERE phone_e164 IS NOT NULL;

-- Every SMS the gateway hands over, once: its id is the gateway's, so a repeat (or two
-- copies arriving together) is handled once. The text is kept only when it was
-- forwarded to a person; the sender's number never (the client says who it was).
-- Nothing is kept of a number that belongs to no client but that it came.
CREATE TABLE inbound_sms (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    gateway_id text NOT NULL UNIQUE,
    received_at timestamptz NOT NULL,
    handled_as text NOT NULL CHECK (
        handled_as IN ('rsvp', 'opt_out', 'forwarded', 'unknown_sender')
    ),
    client_id uuid REFERENCES clients (id) ON DELETE CASCADE,
    text text,
    created_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((handled_as = 'forwarded') = (text IS NOT NULL))
);

-- Notices: a change to a staff member's referral (as before), or a client's message
-- for their workers. Each names its client, so the list follows reach directly.
ALTER TABLE referral_notices RENAME TO notices;
ALTER INDEX referral_notices_staff RENAME TO notices_staff;
ALTER TABLE notices RENAME CONSTRAINT referral_notices_pkey TO notices_pkey;
ALTER TABLE notices ADD COLUMN kind text NOT NULL DEFAULT 'referral_change'
    CHECK (kind IN ('referral_change', 'client_message'));
ALTER TABLE notices ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE notices ADD COLUMN client_id uuid REFERENCES clients (id) ON DELETE CASCADE;
UPDATE notices n SET client_id = r.client_id
FROM referral_events e JOIN referrals r ON r.id = e.referral_id
WHERE e.id = n.event_id;
ALTER TABLE notices ALTER COLUMN client_id SET NOT NULL;
ALTER TABLE notices ALTER COLUMN event_id DROP NOT NULL;
ALTER TABLE notices ADD COLUMN inbound_sms_id uuid REFERENCES inbound_sms (id) ON DELETE CASCADE;
ALTER TABLE notices ADD CONSTRAINT notices_about CHECK (
    CASE kind
        WHEN 'referral_change' THEN event_id IS NOT NULL AND inbound_sms_id IS NULL
        ELSE inbound_sms_id IS NOT NULL AND event_id IS NULL
    END
);

-- The reply to a reply: "we noted you are coming", or the one confirmation of STOP.
-- subject_type says which (coming, not_coming, opt_out).
ALTER TABLE messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (
    kind IN ('invite', 'update', 'cancellation', 'reminder', 'notice', 'page_link', 'reply')
);
-- "The latest message sent to that number": per client, the SMS sent, newest first.
CREATE INDEX messages_client_sms_sent ON messages (client_id, sent_at DESC)
    WHERE channel = 'sms' AND status = 'sent' AND client_id IS NOT NULL;
