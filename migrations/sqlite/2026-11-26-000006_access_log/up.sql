-- Who read which record (GDPR accountability). Reads are many and change nothing, so they live
-- apart from the hash-chained audit log. The person is stored with each row, so a case read
-- shows in its person's access log.
CREATE TABLE access_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    actor_kind TEXT NOT NULL,
    actor_id TEXT,
    actor_name TEXT,
    action TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    person_id TEXT,
    municipality_id TEXT,
    request_id TEXT,
    client_ip TEXT
);
CREATE INDEX access_log_person_idx ON access_log (person_id, id);
CREATE INDEX access_log_actor_idx ON access_log (actor_id, id);

CREATE TRIGGER access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
CREATE TRIGGER access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
