-- Training for the staff of public offices: an editable list of topics, courses with their
-- trainers, sessions, and participants (usually not LUMIT users) enrolled in courses. Times of
-- sessions are wall-clock times in Italy, as they are agreed.
CREATE TABLE training_topics (
    id TEXT PRIMARY KEY,
    name_it TEXT NOT NULL,
    name_en TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    position BIGINT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
INSERT INTO training_topics (id, name_it, name_en, position, created_at, updated_at) VALUES
    ('immigration_law', 'Diritto dell''immigrazione', 'Immigration law', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('residence_permits', 'Permessi di soggiorno', 'Residence permits', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('citizenship', 'Cittadinanza', 'Citizenship', 3, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('asylum', 'Asilo e protezione internazionale', 'Asylum and international protection', 4, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('intercultural_communication', 'Comunicazione interculturale', 'Intercultural communication', 5, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('anti_discrimination', 'Contrasto alle discriminazioni', 'Anti-discrimination', 6, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),
    ('health_access', 'Accesso ai servizi sanitari', 'Access to health services', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP);

CREATE TABLE training_courses (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    title_folded TEXT NOT NULL,
    topic_id TEXT NOT NULL REFERENCES training_topics (id),
    description TEXT,
    organisation TEXT NOT NULL,
    -- Office kinds, space-separated (`registry questura`).
    target_offices TEXT NOT NULL,
    min_attendance_percent BIGINT NOT NULL CHECK (min_attendance_percent BETWEEN 1 AND 100),
    -- Bumped by every enrolment change: on PostgreSQL the row lock it takes makes enrolments
    -- of one course wait for each other, so two can't both take the last place.
    enrolment_changes BIGINT NOT NULL DEFAULT 0,
    version BIGINT NOT NULL DEFAULT 1,
    created_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_courses_topic_idx ON training_courses (topic_id);

CREATE TABLE training_course_trainers (
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    user_id TEXT NOT NULL REFERENCES users (id),
    PRIMARY KEY (course_id, user_id)
);
CREATE INDEX training_course_trainers_user_idx ON training_course_trainers (user_id);

CREATE TABLE training_sessions (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    place_kind TEXT NOT NULL CHECK (place_kind IN ('office', 'address', 'online')),
    municipality_id TEXT REFERENCES municipalities (id),
    address TEXT,
    room TEXT,
    -- The room two sessions may not share at once (see lumit_shared::training::Place).
    room_key TEXT,
    link TEXT,
    capacity BIGINT NOT NULL CHECK (capacity > 0),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX training_sessions_course_idx ON training_sessions (course_id, starts_at);
CREATE INDEX training_sessions_time_idx ON training_sessions (starts_at);
CREATE INDEX training_sessions_room_idx ON training_sessions (room_key, starts_at);

CREATE TABLE training_participants (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    full_name_folded TEXT NOT NULL,
    email TEXT NOT NULL,
    email_lower TEXT NOT NULL UNIQUE,
    municipality_id TEXT REFERENCES municipalities (id),
    organisation TEXT,
    job_title TEXT,
    language TEXT NOT NULL DEFAULT 'it' CHECK (language IN ('it', 'en')),
    anonymised BOOLEAN NOT NULL DEFAULT FALSE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX training_participants_municipality_idx ON training_participants (municipality_id);

CREATE TABLE training_enrolments (
    id TEXT PRIMARY KEY,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    participant_id TEXT NOT NULL REFERENCES training_participants (id),
    status TEXT NOT NULL CHECK (status IN ('enrolled', 'waiting', 'withdrawn')),
    enrolled_by TEXT REFERENCES users (id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (course_id, participant_id)
);
CREATE INDEX training_enrolments_course_idx ON training_enrolments (course_id, status, created_at);
CREATE INDEX training_enrolments_participant_idx ON training_enrolments (participant_id);
