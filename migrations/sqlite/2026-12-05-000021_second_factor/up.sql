-- A second factor (TOTP, RFC 6238) with one-time recovery codes. `totp_secret` is set once the
-- person proved their app with a code; `totp_pending_secret` holds an enrolment not yet proved.
-- `totp_last_step` is the last 30-second step a code was accepted for: a code is taken only
-- for a later step, so a code seen over a shoulder cannot be used again.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT NOT NULL DEFAULT 0;

CREATE TABLE recovery_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE UNIQUE INDEX recovery_codes_user_code_idx ON recovery_codes (user_id, code_hash);
