-- The client's page link sent by SMS or e-mail (POST /api/v1/clients/{id}/page-link/send).
--
-- A link is stored only as its digest, yet the message that carries it is composed when
-- it is sent. The link (a secret) waits beside its message in page_link_messages, and
-- only while the message can still go: it is deleted as soon as the message is sent, fails,
-- is skipped or is cancelled, and a message whose link is rotated or revoked before it
-- went is cancelled (so only the newest link is ever sent).

ALTER TABLE messages DROP CONSTRAINT messages_kind_check;
ALTER TABLE messages ADD CONSTRAINT messages_kind_check CHECK (
    kind IN ('invite', 'update', 'cancellation', 'reminder', 'notice', 'page_link')
);

CREATE TABLE page_link_messages (
    message_id uuid PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    page_link_id uuid NOT NULL REFERENCES client_page_links (id) ON DELETE CASCADE,
    url text NOT NULL
);
CREATE INDEX page_link_messages_link ON page_link_messages (page_link_id);

CREATE FUNCTION forget_sent_page_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM page_link_messages WHERE message_id = NEW.id;
    RETURN NULL;
END
$$;
CREATE TRIGGER messages_page_link_done AFTER UPDATE OF status ON messages
    FOR EACH ROW WHEN (
        NEW.kind = 'page_link' AND NEW.status IN ('sent', 'failed', 'skipped', 'cancelled')
    )
    EXECUTE FUNCTION forget_sent_page_link();

CREATE FUNCTION cancel_messages_of_page_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE messages SET status = 'cancelled', updated_at = now(),
        status_reason = 'the page link was replaced or revoked before it was sent'
    WHERE status = 'pending'
      AND id IN (SELECT message_id FROM page_link_messages WHERE page_link_id = NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER client_page_links_revoked_messages AFTER UPDATE OF revoked_at ON client_page_links
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION cancel_messages_of_page_link();
