-- Certificates of attendance, issued once a course is over to everyone who reached its
-- threshold. The code is what the public page checks. What the certificate says of the course
-- (title, dates, sessions, trainers, organiser, minutes) is kept as it was at issue, so a later
-- change of the course or of attendance never changes a certificate already given.
CREATE TABLE training_certificates (
    id TEXT PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    course_id TEXT NOT NULL REFERENCES training_courses (id),
    enrolment_id TEXT NOT NULL UNIQUE REFERENCES training_enrolments (id),
    participant_id TEXT NOT NULL REFERENCES training_participants (id),
    attended_minutes BIGINT NOT NULL,
    planned_minutes BIGINT NOT NULL,
    course_title TEXT NOT NULL,
    organisation TEXT NOT NULL,
    trainers TEXT NOT NULL,
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    sessions BIGINT NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    issued_by TEXT REFERENCES users (id)
);
CREATE INDEX training_certificates_course_idx ON training_certificates (course_id);
CREATE INDEX training_certificates_participant_idx ON training_certificates (participant_id);
