-- The client's own page (issue 17, first slice): the client_page consent, the page
-- links, the clients' answers to sessions and meetings, and the client as an actor in
-- the audit trail.

ALTER TABLE consents DROP CONSTRAINT consents_purpose_check;
ALTER TABLE consents ADD CONSTRAINT consents_purpose_check CHECK (
    purpose IN ('data_sharing', 'email_reminders', 'sms_reminders', 'calendar_feed', 'client_page')
);

-- A page link is a bearer URL like a calendar feed's: a long random token, stored only
-- as its digest. One live link per client: asking for a new one revokes the old.
CREATE TABLE client_page_links (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_by uuid NOT NULL REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    CHECK (expires_at > created_at)
);
CREATE UNIQUE INDEX client_page_links_live ON client_page_links (client_id)
    WHERE revoked_at IS NULL;

-- The last valid client_page consent revoked: the client's page link dies with it, and
-- stays dead if consent is given again (a new link is asked for then). A consent whose
-- last day passes is caught where the link is opened (consent_is_valid).
CREATE FUNCTION revoke_page_links_without_consent() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (
        SELECT FROM consents k
        WHERE k.client_id = NEW.client_id AND k.purpose = 'client_page'
          AND consent_is_valid(k, now())
    ) THEN
        UPDATE client_page_links SET revoked_at = now()
        WHERE client_id = NEW.client_id AND revoked_at IS NULL;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER consents_client_page AFTER UPDATE OF revoked_at ON consents
    FOR EACH ROW WHEN (NEW.purpose = 'client_page' AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION revoke_page_links_without_consent();

-- "I'll come" / "I can't come": every answer is kept; the latest per client counts.
CREATE TABLE rsvps (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id uuid NOT NULL REFERENCES clients (id) ON DELETE CASCADE,
    session_id uuid REFERENCES sessions (id) ON DELETE CASCADE,
    meeting_id uuid REFERENCES meetings (id) ON DELETE CASCADE,
    answer text NOT NULL CHECK (answer IN ('coming', 'not_coming')),
    via text NOT NULL CHECK (via IN ('page', 'sms')),
    answered_at timestamptz NOT NULL DEFAULT now(),
    CHECK (num_nonnulls(session_id, meeting_id) = 1)
);
CREATE INDEX rsvps_session ON rsvps (session_id, client_id, id) WHERE session_id IS NOT NULL;
CREATE INDEX rsvps_meeting ON rsvps (meeting_id, client_id, id) WHERE meeting_id IS NOT NULL;
CREATE INDEX rsvps_client ON rsvps (client_id, id);

-- The client acts too (an answer on their page): such an event names the client as its
-- actor, never a staff member.
ALTER TABLE audit_events ADD COLUMN actor_client_id uuid;
ALTER TABLE audit_events ADD CONSTRAINT audit_events_one_actor
    CHECK (actor_id IS NULL OR actor_client_id IS NULL);
