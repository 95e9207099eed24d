-- Sessions end: each refresh token knows when its session began (absolute lifetime), and an
-- account's access tokens issued before `sessions_valid_after` are refused at once (logout,
-- password change, deactivation, an admin ending its sessions).
ALTER TABLE refresh_tokens ADD COLUMN session_started_at TIMESTAMP NOT NULL DEFAULT '1970-01-01 00:00:00';
UPDATE refresh_tokens SET session_started_at = created_at;
ALTER TABLE users ADD COLUMN sessions_valid_after TIMESTAMP;
