-- ESF+ entry data that are special-category (Regulation 2021/1057, Annex I): a
-- disability, belonging to a minority (including marginalised communities such as the
-- Roma), homelessness or housing exclusion. Kept apart from the client record, out of
-- its lists and reads: asked only when the client is willing, and "declined" records
-- that they were asked and chose not to answer, which ESF+ counts apart from not asked.
CREATE TABLE esf_sensitive_answers (
    client_id uuid PRIMARY KEY REFERENCES clients (id) ON DELETE CASCADE,
    disability text CHECK (disability IN ('yes', 'no', 'declined')),
    minority text CHECK (minority IN ('yes', 'no', 'declined')),
    homelessness text CHECK (homelessness IN ('yes', 'no', 'declined')),
    recorded_by uuid NOT NULL REFERENCES staff (id),
    recorded_at timestamptz NOT NULL DEFAULT now()
);
