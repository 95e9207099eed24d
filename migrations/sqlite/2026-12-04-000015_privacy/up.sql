-- The history of a timeline entry's text: the text as it was before each correction. It lives
-- beside the timeline, not in the hash-chained audit log, so anonymisation can clear it.
CREATE TABLE case_event_edits (
    id TEXT PRIMARY KEY,
    event_id TEXT NOT NULL REFERENCES case_events (id),
    case_id TEXT NOT NULL REFERENCES cases (id),
    note TEXT NOT NULL,
    edited_by_id TEXT,
    edited_by_name TEXT,
    edited_at TIMESTAMP NOT NULL
);
CREATE INDEX case_event_edits_event_idx ON case_event_edits (event_id, edited_at);
CREATE INDEX case_event_edits_case_idx ON case_event_edits (case_id);

-- Failed sign-ins, out of the audit chain: what was typed as a user name is often a password, so
-- it is kept only when it names an account, and rows older than the retention are deleted.
CREATE TABLE security_log (
    id TEXT PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT,
    account TEXT,
    client_ip TEXT,
    request_id TEXT
);
CREATE INDEX security_log_at_idx ON security_log (at);

-- The people a list page, a timeline or a report showed, space-separated: one access row per
-- page, not one per person.
ALTER TABLE access_log ADD COLUMN subjects TEXT;
