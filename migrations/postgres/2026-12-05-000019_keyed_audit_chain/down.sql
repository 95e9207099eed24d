DROP TRIGGER audit_log_no_truncate ON audit_log;
ALTER TABLE audit_log DROP COLUMN scheme;
