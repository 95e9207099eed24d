DROP INDEX CONCURRENTLY IF EXISTS access_log_subject_keys_idx;
