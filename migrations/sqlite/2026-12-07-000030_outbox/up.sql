-- E-mail to send, written in the same transaction as the change it tells about and sent by a
-- background worker with retries, so nothing is lost while the mail server is down. Without an
-- SMTP server configured messages stay here, pending, for an admin to see.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    recipient TEXT NOT NULL,
    recipient_name TEXT NOT NULL,
    language TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    -- JSON: [{"filename", "content_type", "content"}], content as text.
    attachments TEXT NOT NULL,
    -- Whose message it is, so that anonymising a participant reaches it.
    participant_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    -- A worker sending it holds it until then, so two instances never send it twice at once.
    claimed_until TIMESTAMP,
    last_error TEXT,
    sent_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due_idx ON outbox (status, next_attempt_at);
CREATE INDEX outbox_participant_idx ON outbox (participant_id);
