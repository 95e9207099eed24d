DROP INDEX access_log_subjects_idx;
ALTER TABLE access_log DROP COLUMN subjects;
DROP TABLE security_log;
DROP TABLE case_event_edits;
