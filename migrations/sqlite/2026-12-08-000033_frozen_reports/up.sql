-- Reports of a period as they were sent to the fund: the figures (the report as canonical JSON,
-- counts only, no one's personal data), who froze them, when, and the SHA-256 of the content.
-- Never changed: corrections of the data show as differences against today's figures.
CREATE TABLE frozen_reports (
    id TEXT PRIMARY KEY,
    period_from DATE NOT NULL,
    period_to DATE NOT NULL,
    municipality_id TEXT REFERENCES municipalities (id),
    content TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    frozen_by TEXT NOT NULL REFERENCES users (id),
    frozen_by_name TEXT NOT NULL,
    frozen_at TIMESTAMP NOT NULL,
    CHECK (period_from <= period_to)
);
CREATE INDEX frozen_reports_period_idx ON frozen_reports (period_to DESC, period_from DESC);

CREATE TRIGGER frozen_reports_no_update BEFORE UPDATE ON frozen_reports
BEGIN
    SELECT RAISE(ABORT, 'frozen reports are never changed');
END;
CREATE TRIGGER frozen_reports_no_delete BEFORE DELETE ON frozen_reports
BEGIN
    SELECT RAISE(ABORT, 'frozen reports are never deleted');
END;
