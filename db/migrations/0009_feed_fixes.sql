-- A staff member's feed is served only while they are active: it shows where they
-- meet clients, possibly at home. Deactivating them must drop the feeds every API
-- process keeps in memory at once, as revoking the link does.
CREATE OR REPLACE TRIGGER staff_calendar AFTER UPDATE ON staff
    FOR EACH ROW WHEN (OLD.phone IS DISTINCT FROM NEW.phone OR OLD.name IS DISTINCT FROM NEW.name
                       OR OLD.active IS DISTINCT FROM NEW.active)
    EXECUTE FUNCTION notify_calendar_change();
