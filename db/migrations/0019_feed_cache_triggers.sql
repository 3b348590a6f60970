-- A staff member's own feed names the client of each one-to-one meeting (first name,
-- surname initial) while the staff member reaches the client. Every change that can
-- alter that name or that reach must drop the feeds API processes keep in memory, as
-- the triggers of 0004, 0005 and 0009 do for the rest. Reach reads: the staff member's
-- active flag, roles and organisation; the client's organisation; responsible workers;
-- plans (their end) and plan coaches; enrolments, facilitators and groups (their
-- end); referrals (their sides and their end); consents. Reach that ends by time
-- alone (30 days after a group, a plan or a referral) announces nothing: the cache's
-- lifetime bounds it (service/calendar/cache.py).

CREATE OR REPLACE TRIGGER clients_calendar AFTER UPDATE ON clients
    FOR EACH ROW WHEN (OLD.first_name IS DISTINCT FROM NEW.first_name
                       OR OLD.last_name IS DISTINCT FROM NEW.last_name
                       OR OLD.language IS DISTINCT FROM NEW.language
                       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION notify_calendar_change();

CREATE OR REPLACE TRIGGER staff_calendar AFTER UPDATE ON staff
    FOR EACH ROW WHEN (OLD.phone IS DISTINCT FROM NEW.phone OR OLD.name IS DISTINCT FROM NEW.name
                       OR OLD.active IS DISTINCT FROM NEW.active
                       OR OLD.roles IS DISTINCT FROM NEW.roles
                       OR OLD.organisation_id IS DISTINCT FROM NEW.organisation_id)
    EXECUTE FUNCTION notify_calendar_change();

CREATE TRIGGER client_workers_calendar AFTER INSERT OR UPDATE OR DELETE ON client_workers
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();

-- A plan's coaches come and go through plan_coaches (0005); its meetings hang on it.
CREATE TRIGGER plans_calendar AFTER UPDATE ON plans
    FOR EACH ROW WHEN (OLD.starts_on IS DISTINCT FROM NEW.starts_on
                       OR OLD.ends_on IS DISTINCT FROM NEW.ends_on
                       OR OLD.client_id IS DISTINCT FROM NEW.client_id)
    EXECUTE FUNCTION notify_calendar_change();

-- A new referral gives its sides reach; an update matters when it closes or reopens
-- the referral or changes its sides, not for every step between.
CREATE TRIGGER referrals_calendar_rows AFTER INSERT OR DELETE ON referrals
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
CREATE TRIGGER referrals_calendar AFTER UPDATE ON referrals
    FOR EACH ROW WHEN (OLD.ended_at IS DISTINCT FROM NEW.ended_at
                       OR OLD.client_id IS DISTINCT FROM NEW.client_id
                       OR OLD.referred_by IS DISTINCT FROM NEW.referred_by
                       OR OLD.to_organisation_id IS DISTINCT FROM NEW.to_organisation_id
                       OR OLD.service_id IS DISTINCT FROM NEW.service_id
                       OR OLD.programme_id IS DISTINCT FROM NEW.programme_id)
    EXECUTE FUNCTION notify_calendar_change();
