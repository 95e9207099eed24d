-- Every instance keeps a cache of who is calling (api/src/auth/callers.rs) and must drop it when
-- what a caller is made of changes: accounts, their municipalities, an Unione's members, API
-- clients. SQLite has no NOTIFY: these triggers count every such change in one row, which each
-- instance reads every 10 ms on a connection of its own. A change by any process (another
-- instance, the `lumit` command line) counts; one rolled back does not.
CREATE TABLE caller_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO caller_changes (id, n) VALUES (1, 0);
CREATE TRIGGER users_callers_insert AFTER INSERT ON users
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER users_callers_update AFTER UPDATE ON users
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER users_callers_delete AFTER DELETE ON users
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER user_municipalities_callers_insert AFTER INSERT ON user_municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER user_municipalities_callers_update AFTER UPDATE ON user_municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER user_municipalities_callers_delete AFTER DELETE ON user_municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER municipalities_callers_insert AFTER INSERT ON municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER municipalities_callers_update AFTER UPDATE ON municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER municipalities_callers_delete AFTER DELETE ON municipalities
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER api_clients_callers_insert AFTER INSERT ON api_clients
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER api_clients_callers_update AFTER UPDATE ON api_clients
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER api_clients_callers_delete AFTER DELETE ON api_clients
BEGIN
    UPDATE caller_changes SET n = n + 1 WHERE id = 1;
END;
