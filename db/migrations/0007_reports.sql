-- Reports: the client's feedback at the end of a group, what a participant's
-- situation was when they started (ESF+ monitoring asks for it at entry), and
-- the indexes the organisation-wide figures read by.

-- A short form a coach fills in with the client when the group ends.
CREATE TABLE programme_feedback (
    enrolment_id uuid PRIMARY KEY REFERENCES enrolments (id),
    programme_id uuid NOT NULL REFERENCES programmes (id),
    client_id uuid NOT NULL REFERENCES clients (id),
    got_support boolean NOT NULL,
    new_plans boolean NOT NULL,
    comment text,
    recorded_by uuid NOT NULL REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX programme_feedback_programme ON programme_feedback (programme_id);
CREATE INDEX programme_feedback_client ON programme_feedback (client_id);

-- The client's labour-market status and education when a participation starts
-- (a place in a group, a coaching plan), kept as they were: the client record
-- moves on, the entry data must not.
ALTER TABLE enrolments
    ADD COLUMN labour_market_status_at_entry text,
    ADD COLUMN education_level_at_entry text;
ALTER TABLE plans
    ADD COLUMN labour_market_status_at_entry text,
    ADD COLUMN education_level_at_entry text;

CREATE FUNCTION record_entry_situation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- An enrolment starts when it gets a place, which may be long after it was
    -- waitlisted; a plan starts when it is made.
    IF TG_TABLE_NAME = 'enrolments' THEN
        IF NEW.enrolled_at IS NULL THEN
            RETURN NEW;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.enrolled_at IS NOT NULL THEN
            RETURN NEW;
        END IF;
    END IF;
    SELECT c.labour_market_status, c.education_level
    INTO NEW.labour_market_status_at_entry, NEW.education_level_at_entry
    FROM clients c WHERE c.id = NEW.client_id;
    RETURN NEW;
END
$$;
CREATE TRIGGER enrolments_entry_situation
    BEFORE INSERT OR UPDATE OF enrolled_at ON enrolments
    FOR EACH ROW EXECUTE FUNCTION record_entry_situation();
CREATE TRIGGER plans_entry_situation
    BEFORE INSERT ON plans
    FOR EACH ROW EXECUTE FUNCTION record_entry_situation();

-- Organisation-wide figures start from an organisation's referrals in a period.
CREATE INDEX referrals_sent ON referrals (from_organisation_id, created_at);
CREATE INDEX referrals_received ON referrals (to_organisation_id, created_at);
