-- Attendance at training sessions, one row per enrolment and session. Minutes are kept for a
-- partial presence only: a whole presence counts the session's length as it is now, so moving a
-- session's end doesn't leave stale hours behind.
CREATE TABLE training_attendance (
    session_id TEXT NOT NULL REFERENCES training_sessions (id),
    enrolment_id TEXT NOT NULL REFERENCES training_enrolments (id),
    presence TEXT NOT NULL CHECK (presence IN ('present', 'absent', 'partial')),
    minutes BIGINT CHECK (minutes > 0),
    recorded_by TEXT REFERENCES users (id),
    recorded_at TIMESTAMP NOT NULL,
    PRIMARY KEY (session_id, enrolment_id),
    CHECK ((presence = 'partial') = (minutes IS NOT NULL))
);
CREATE INDEX training_attendance_enrolment_idx ON training_attendance (enrolment_id);
