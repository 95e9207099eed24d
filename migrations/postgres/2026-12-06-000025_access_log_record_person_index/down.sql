DROP INDEX CONCURRENTLY IF EXISTS access_log_record_person_idx;
