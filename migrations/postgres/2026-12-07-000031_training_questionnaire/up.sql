-- The questionnaire after a course. A link is personal and single-use: its token is stored
-- hashed, and it only records whether it was answered, not when. The answers hold no reference
-- to a link, an enrolment or a participant, no time, and a random id: nothing leads from an
-- answer back to a person.
CREATE TABLE training_questionnaire_links (
    token_hash TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    enrolment_id TEXT NOT NULL UNIQUE REFERENCES training_enrolments (id),
    expires_at TIMESTAMP NOT NULL,
    answered BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX training_questionnaire_links_course_idx ON training_questionnaire_links (course_id);

CREATE TABLE training_answers (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    satisfaction BIGINT NOT NULL CHECK (satisfaction BETWEEN 1 AND 5),
    usefulness BIGINT NOT NULL CHECK (usefulness BETWEEN 1 AND 5),
    recommend BOOLEAN NOT NULL,
    comment TEXT
);
CREATE INDEX training_answers_course_idx ON training_answers (course_id);
