CREATE TABLE main.access_log (
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
INSERT INTO main.access_log SELECT id, at, actor_kind, actor_id, actor_name, action, entity_type,
    entity_id, person_id, municipality_id, request_id, client_ip, subjects FROM access.access_log;
DROP TABLE access.access_log;
CREATE INDEX main.access_log_person_idx ON access_log (person_id, id);
CREATE INDEX main.access_log_actor_idx ON access_log (actor_id, id);
CREATE TRIGGER main.access_log_no_update BEFORE UPDATE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
CREATE TRIGGER main.access_log_no_delete BEFORE DELETE ON access_log
BEGIN
    SELECT RAISE(ABORT, 'access_log is append-only');
END;
