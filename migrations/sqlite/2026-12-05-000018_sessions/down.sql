ALTER TABLE users DROP COLUMN sessions_valid_after;
ALTER TABLE refresh_tokens DROP COLUMN session_started_at;
