-- The text index of a page's people, replaced by migration 23's. An instance of the previous
-- release still running reads a person's access log without it, more slowly, until upgraded.
DROP INDEX CONCURRENTLY IF EXISTS access_log_subjects_idx;
