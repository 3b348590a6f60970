-- Every change that can alter a calendar feed notifies the API processes, which keep
-- rendered feeds in memory and drop them when told. NOTIFY is sent at commit, so a
-- rolled-back change notifies nobody; triggers make sure no code path forgets.

CREATE FUNCTION notify_calendar_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('polku_calendar', TG_TABLE_NAME);
    RETURN NULL;
END
$$;

CREATE TRIGGER programmes_calendar AFTER INSERT OR UPDATE OR DELETE ON programmes
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER sessions_calendar AFTER INSERT OR UPDATE OR DELETE ON sessions
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER programme_staff_calendar AFTER INSERT OR UPDATE OR DELETE ON programme_staff
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER enrolments_calendar AFTER INSERT OR UPDATE OR DELETE ON enrolments
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER consents_calendar AFTER INSERT OR UPDATE OR DELETE ON consents
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
-- Inserting a feed changes nothing served; revoking one must reach every process at
-- once (noting when a feed was last fetched must not).
CREATE TRIGGER calendar_feeds_calendar AFTER UPDATE ON calendar_feeds
    FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at)
    EXECUTE FUNCTION notify_calendar_change();
-- Feeds show a facilitator's phone, and a client's first name and language.
CREATE TRIGGER staff_calendar AFTER UPDATE ON staff
    FOR EACH ROW WHEN (OLD.phone IS DISTINCT FROM NEW.phone OR OLD.name IS DISTINCT FROM NEW.name)
    EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER clients_calendar AFTER UPDATE ON clients
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
                       OR OLD.language IS DISTINCT FROM NEW.language)
    EXECUTE FUNCTION notify_calendar_change();
