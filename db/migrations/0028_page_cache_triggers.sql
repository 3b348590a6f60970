-- The client's page is kept rendered in memory like the calendar feeds
-- (service/composers/client_page/page_cache.py), dropped by the same announcements.
-- Besides what the feeds show, the page shows the client's answers, their workers'
-- e-mail addresses, the client's plain-language setting and zone, and it lives only
-- as long as its link: changes to those announce themselves too.

CREATE TRIGGER rsvps_calendar AFTER INSERT OR UPDATE OR DELETE ON rsvps
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();

CREATE TRIGGER client_page_links_calendar AFTER INSERT OR UPDATE OR DELETE ON client_page_links
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();

CREATE TRIGGER staff_page AFTER UPDATE ON staff
    FOR EACH ROW WHEN (OLD.email IS DISTINCT FROM NEW.email)
    EXECUTE FUNCTION notify_calendar_change();

CREATE TRIGGER clients_page AFTER UPDATE ON clients
    FOR EACH ROW WHEN (OLD.plain_language IS DISTINCT FROM NEW.plain_language
                       OR OLD.timezone IS DISTINCT FROM NEW.timezone)
    EXECUTE FUNCTION notify_calendar_change();
