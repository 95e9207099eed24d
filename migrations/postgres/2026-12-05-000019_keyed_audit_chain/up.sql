-- The chain is keyed from here on: scheme 2 rows link by HMAC-SHA256 with a key kept outside the
-- database (LUMIT_AUDIT_KEY), so whoever edits a row cannot recompute its link. Older rows keep
-- their plain SHA-256 (scheme 1); a scheme never goes back down along the chain.
ALTER TABLE audit_log ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
-- TRUNCATE skips row triggers: refuse it too.
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
