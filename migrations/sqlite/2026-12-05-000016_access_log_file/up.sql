-- The access log moves to its own file, attached to every connection as `access`: a row is
-- written for every page read, and a commit in the main file makes every other connection drop
-- its page cache (docs/PERFORMANCE.md, "The access log's cost").
CREATE TABLE IF NOT EXISTS access.access_log (
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
    client_ip TEXT,
    subjects TEXT
);
INSERT INTO access.access_log (id, at, actor_kind, actor_id, actor_name, action, entity_type,
    entity_id, person_id, municipality_id, request_id, client_ip, subjects)
SELECT id, at, actor_kind, actor_id, actor_name, action, entity_type, entity_id, person_id,
    municipality_id, request_id, client_ip, subjects
FROM main.access_log WHERE id NOT IN (SELECT id FROM access.access_log);
DROP TABLE main.access_log;
CREATE INDEX IF NOT EXISTS access.access_log_person_idx ON access_log (person_id, id);
CREATE INDEX IF NOT EXISTS access.access_log_actor_idx ON access_log (actor_id, id);
CREATE TRIGGER IF NOT EXISTS access.access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
CREATE TRIGGER IF NOT EXISTS access.access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
