-- Questionnaires as data (issue 19, point 3): a definition per (key, version) like the
-- assessment instruments; rounds opened for a programme; answers kept so that an
-- anonymous round holds no link from an answer to a person.

CREATE TABLE questionnaires (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    key text NOT NULL,
    version int NOT NULL CHECK (version > 0),
    definition jsonb NOT NULL,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (key, version)
);

CREATE TABLE questionnaire_rounds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    programme_id uuid NOT NULL REFERENCES programmes (id) ON DELETE CASCADE,
    questionnaire_id uuid NOT NULL REFERENCES questionnaires (id),
    opens_on date NOT NULL,
    closes_on date NOT NULL CHECK (closes_on >= opens_on),
    anonymous boolean NOT NULL,
    created_by uuid REFERENCES staff (id),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX questionnaire_rounds_programme ON questionnaire_rounds (programme_id, opens_on, id);

-- Who has answered a round, and nothing of what: one row per person, no time, so an
-- anonymous round can refuse a second answer without knowing which answer was whose.
CREATE TABLE questionnaire_respondents (
    round_id uuid NOT NULL REFERENCES questionnaire_rounds (id) ON DELETE CASCADE,
    client_id uuid REFERENCES clients (id),
    staff_id uuid REFERENCES staff (id),
    CHECK ((client_id IS NULL) <> (staff_id IS NULL))
);
CREATE INDEX questionnaire_respondents_round ON questionnaire_respondents (round_id);
CREATE UNIQUE INDEX questionnaire_respondents_client
    ON questionnaire_respondents (round_id, client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX questionnaire_respondents_staff
    ON questionnaire_respondents (round_id, staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX questionnaire_respondents_client_rounds
    ON questionnaire_respondents (client_id) WHERE client_id IS NOT NULL;

-- A named round's answers: whose, and changed until the round closes.
CREATE TABLE questionnaire_answers (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    round_id uuid NOT NULL REFERENCES questionnaire_rounds (id) ON DELETE CASCADE,
    role text NOT NULL CHECK (role IN ('client', 'staff')),
    client_id uuid REFERENCES clients (id),
    staff_id uuid REFERENCES staff (id),
    answers jsonb NOT NULL,
    answered_at timestamptz NOT NULL DEFAULT now(),
    CHECK ((role = 'client') = (client_id IS NOT NULL)),
    CHECK ((role = 'staff') = (staff_id IS NOT NULL))
);
-- A round's answers are read by round (the results); the partial indexes below only
-- serve one person's.
CREATE INDEX questionnaire_answers_round ON questionnaire_answers (round_id);
CREATE UNIQUE INDEX questionnaire_answers_client
    ON questionnaire_answers (round_id, client_id) WHERE client_id IS NOT NULL;
CREATE UNIQUE INDEX questionnaire_answers_staff
    ON questionnaire_answers (round_id, staff_id) WHERE staff_id IS NOT NULL;
CREATE INDEX questionnaire_answers_client_rounds
    ON questionnaire_answers (client_id) WHERE client_id IS NOT NULL;

-- An anonymous round's answers: one row per round holding every answer as
-- {role, answers} in a shuffled array, rewritten whole on each answer. No person, no
-- time, and no row of its own per answer: neither its position, its own row id nor the
-- transaction that wrote it (xmin) can be matched with questionnaire_respondents or the
-- audit trail.
CREATE TABLE questionnaire_anonymous_answers (
    round_id uuid PRIMARY KEY REFERENCES questionnaire_rounds (id) ON DELETE CASCADE,
    answers jsonb NOT NULL DEFAULT '[]'
);

-- Which staff member takes part in a programme's questionnaire rounds: its facilitators
-- and its staff participants (a co-development group's workers, migration 0033), with
-- active accounts. The one place the rule lives.
CREATE FUNCTION programme_staff_member(programme uuid, member uuid) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN EXISTS (
        SELECT FROM programme_staff ps JOIN staff s ON s.id = ps.staff_id
        WHERE ps.programme_id = programme AND ps.staff_id = member
          AND ps.role IN ('facilitator', 'participant') AND s.active
    );
END;
$$;

-- The group-end feedback form (also shipped as service/composers/questionnaires/shipped/
-- group_end_feedback.json; a test keeps the two the same), so the feedback recorded so
-- far can move into it.
INSERT INTO questionnaires (key, version, definition)
VALUES ('group_end_feedback', 1, '{"key": "group_end_feedback", "version": 1, "title": {"fi": "Palaute ryhmän lopussa", "sv": "Respons när gruppen slutar", "en": "Feedback at the end of the group"}, "items": [{"key": "got_support", "kind": "yes_no", "text": {"fi": "Sainko ryhmästä tarvitsemaani tukea?", "sv": "Fick jag det stöd jag behövde i gruppen?", "en": "Did I get the support I needed from the group?"}}, {"key": "new_plans", "kind": "yes_no", "text": {"fi": "Teinkö ryhmän aikana uusia opiskelu- tai työsuunnitelmia?", "sv": "Gjorde jag nya planer för studier eller arbete under gruppen?", "en": "Did I make new plans for study or work during the group?"}}, {"key": "group_useful", "kind": "scale_1_5", "text": {"fi": "Kuinka hyödyllinen ryhmä oli minulle? (1 = ei lainkaan, 5 = erittäin)", "sv": "Hur nyttig var gruppen för mig? (1 = inte alls, 5 = mycket)", "en": "How useful was the group for me? (1 = not at all, 5 = very)"}}, {"key": "comment", "kind": "text", "text": {"fi": "Mitä haluat sanoa ryhmästä?", "sv": "Vad vill du säga om gruppen?", "en": "What would you like to say about the group?"}}]}'::jsonb);

-- Today's recorded feedback becomes a named, closed round of that form per programme,
-- each client's answers as the coach recorded them with the client.
INSERT INTO questionnaire_rounds (programme_id, questionnaire_id, opens_on, closes_on, anonymous)
SELECT f.programme_id, q.id,
       min(f.recorded_at AT TIME ZONE 'Europe/Helsinki')::date,
       max(f.recorded_at AT TIME ZONE 'Europe/Helsinki')::date,
       false
FROM programme_feedback f
CROSS JOIN questionnaires q
WHERE q.key = 'group_end_feedback' AND q.version = 1
GROUP BY f.programme_id, q.id;

-- A client enrolled twice in one programme answered once: the later record counts.
INSERT INTO questionnaire_answers (round_id, role, client_id, answers, answered_at)
SELECT DISTINCT ON (r.id, f.client_id) r.id, 'client', f.client_id,
       jsonb_strip_nulls(jsonb_build_object(
           'got_support', f.got_support, 'new_plans', f.new_plans,
           'comment', nullif(btrim(f.comment), ''))),
       f.recorded_at
FROM programme_feedback f
JOIN questionnaire_rounds r ON r.programme_id = f.programme_id
JOIN questionnaires q ON q.id = r.questionnaire_id AND q.key = 'group_end_feedback'
ORDER BY r.id, f.client_id, f.recorded_at DESC;

INSERT INTO questionnaire_respondents (round_id, client_id)
SELECT round_id, client_id FROM questionnaire_answers;
