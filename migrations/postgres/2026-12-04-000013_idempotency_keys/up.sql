-- The first answer to a create sent with an `Idempotency-Key`, so that a retry of the same
-- request (a double click, a timeout) gets that answer instead of making a second record.
-- Kept 24 hours; the server deletes older rows, and anonymising a person deletes the answers
-- that name her or her cases.
CREATE TABLE idempotency_keys (
    caller TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    -- The reservation's own: a change commits only under the reservation it was made for.
    token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    -- Set in the same transaction as the change: true means the change committed, even if the
    -- answer below was never stored (the process died in between).
    committed BOOLEAN NOT NULL DEFAULT FALSE,
    -- NULL while the first request runs.
    status INTEGER,
    content_type TEXT,
    location TEXT,
    etag TEXT,
    body TEXT,
    PRIMARY KEY (caller, idempotency_key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
