-- Replaced by migration 25's partial index, which serves the same lookups.
DROP INDEX CONCURRENTLY IF EXISTS access_log_person_idx;
