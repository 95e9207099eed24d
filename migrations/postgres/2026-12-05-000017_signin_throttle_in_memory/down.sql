CREATE TABLE login_failures (
    id TEXT PRIMARY KEY,
    login_key TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key_idx ON login_failures (login_key, failed_at);
