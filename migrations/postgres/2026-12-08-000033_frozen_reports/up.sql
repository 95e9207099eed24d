-- Reports of a period as they were sent to the fund: the figures (the report as canonical JSON,
-- counts only, no one's personal data), who froze them, when, and the SHA-256 of the content.
-- Never changed: corrections of the data show as differences against today's figures. The
-- server's role also loses UPDATE and DELETE on the table (api/src/db/grants.rs).
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

CREATE FUNCTION frozen_reports_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'frozen reports are never changed';
END;
$$;
CREATE TRIGGER frozen_reports_keep BEFORE UPDATE OR DELETE ON frozen_reports
    FOR EACH ROW EXECUTE FUNCTION frozen_reports_keep();
