-- Free text on cases matches anywhere in the reference and the summary (`LIKE '%…%'`), which no
-- B-tree serves: trigram indexes do, so the search's OR becomes a bitmap of three index scans
-- (these two and the people's names) instead of a scan of every case in scope.
DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    SELECT n.nspname INTO trgm_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX cases_summary_trgm_idx ON cases USING gin (summary %I.gin_trgm_ops)',
        trgm_schema
    );
    EXECUTE format(
        'CREATE INDEX cases_reference_trgm_idx ON cases USING gin (reference %I.gin_trgm_ops)',
        trgm_schema
    );
END
$$;
