-- Programme kinds, staff participants, memos and the workers present (issue 19).
--
-- A programme's kind decides its defaults and limits (service/programmes/kinds.py);
-- the machinery stays one. Staff participants are programme_staff rows of their own
-- role: they see the group's sessions in their calendar feed as facilitators and
-- contacts do, and, like contacts, reach no client by it (reach reads the
-- 'facilitator' role only).
ALTER TABLE programmes ADD COLUMN kind text NOT NULL DEFAULT 'social_rehabilitation'
    CHECK (kind IN ('social_rehabilitation', 'co_development', 'group_coaching'));

ALTER TABLE programme_staff DROP CONSTRAINT programme_staff_role_check;
ALTER TABLE programme_staff ADD CONSTRAINT programme_staff_role_check
    CHECK (role IN ('facilitator', 'contact', 'participant'));

-- The facilitators' memo of a meeting, shared with everyone taking part: it must not
-- name a client or carry an identity code (checked before it is stored).
CREATE TABLE session_memos (
    session_id uuid PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    text text NOT NULL CHECK (length(text) BETWEEN 1 AND 4000),
    written_by uuid REFERENCES staff (id),
    written_at timestamptz NOT NULL DEFAULT now()
);

-- Which workers came to a session (the municipality's own worker, the facilitators,
-- staff participants): a group's report lists the sessions held with none.
CREATE TABLE session_workers (
    session_id uuid NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    staff_id uuid NOT NULL REFERENCES staff (id),
    recorded_by uuid REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, staff_id)
);

-- The client's page shows the memos of their groups: a changed memo drops the kept page.
CREATE TRIGGER session_memos_calendar AFTER INSERT OR UPDATE OR DELETE ON session_memos
    FOR EACH STATEMENT EXECUTE FUNCTION notify_calendar_change();
