DROP INDEX cases_reference_trgm_idx;
DROP INDEX cases_summary_trgm_idx;
