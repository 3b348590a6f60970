-- The calendar feed link that a client's page issues (composers/client_page) belongs
-- to that page link: when the page link is rotated or revoked, the feed link it gave
-- dies with it, so a forwarded page link leaves no calendar behind.
ALTER TABLE calendar_feeds
    ADD COLUMN page_link_id uuid REFERENCES client_page_links (id) ON DELETE CASCADE;
CREATE INDEX calendar_feeds_page_link ON calendar_feeds (page_link_id)
    WHERE page_link_id IS NOT NULL;

CREATE FUNCTION revoke_feeds_of_page_link() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE calendar_feeds SET revoked_at = now()
    WHERE page_link_id = NEW.id AND revoked_at IS NULL;
    RETURN NULL;
END
$$;
CREATE TRIGGER client_page_links_revoked AFTER UPDATE OF revoked_at ON client_page_links
    FOR EACH ROW WHEN (OLD.revoked_at IS NULL AND NEW.revoked_at IS NOT NULL)
    EXECUTE FUNCTION revoke_feeds_of_page_link();
