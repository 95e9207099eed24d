-- Back to the five roles (fails while a trainer account exists).
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE users_new (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL,
    username_lower TEXT NOT NULL UNIQUE,
    full_name TEXT NOT NULL,
    full_name_folded TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'operator', 'municipal_officer', 'mediator')),
    password_hash TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    sessions_valid_after TIMESTAMP,
    totp_secret TEXT,
    totp_pending_secret TEXT,
    totp_last_step BIGINT NOT NULL DEFAULT 0
);
INSERT INTO users_new (id, username, username_lower, full_name, full_name_folded, email, role, password_hash, must_change_password, active, version, created_at, updated_at, sessions_valid_after, totp_secret, totp_pending_secret, totp_last_step)
    SELECT id, username, username_lower, full_name, full_name_folded, email, role, password_hash, must_change_password, active, version, created_at, updated_at, sessions_valid_after, totp_secret, totp_pending_secret, totp_last_step FROM users;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
CREATE INDEX users_role_idx ON users (role, active);
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
COMMIT;
PRAGMA foreign_keys = ON;
