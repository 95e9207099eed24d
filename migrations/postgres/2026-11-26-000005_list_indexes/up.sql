-- Keyset pages of the case list in each order it offers: a municipality's cases with or
-- without a status, and everything, newest first by opening or by last change. The column
-- order matches the ORDER BY exactly, so a page reads one index range and sorts nothing.
CREATE INDEX cases_municipality_opened_idx ON cases (municipality_id, opened_at DESC, id DESC);
CREATE INDEX cases_scope_updated_idx ON cases (municipality_id, status, updated_at DESC, id DESC);
CREATE INDEX cases_municipality_updated_idx ON cases (municipality_id, updated_at DESC, id DESC);
CREATE INDEX cases_updated_idx ON cases (updated_at DESC, id DESC);
-- "People with a case in my municipalities" probes a person's cases with both columns.
DROP INDEX cases_person_idx;
CREATE INDEX cases_person_municipality_idx ON cases (person_id, municipality_id);

-- Name search matches word prefixes anywhere in the folded name (`LIKE '% moamed%'`), which no
-- B-tree serves; trigrams do. pg_trgm ships with PostgreSQL and is a trusted extension, so the
-- database's owner may create it. It is one per database, in `public` unless it was already
-- installed elsewhere; the index names the operator class in whichever schema holds it, so it
-- does not depend on the search path (the tests give each database its own schema).
DO $$
DECLARE
    trgm_schema TEXT;
BEGIN
    CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    SELECT n.nspname INTO trgm_schema
        FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    EXECUTE format(
        'CREATE INDEX people_search_trgm_idx ON people USING gin (search_text %I.gin_trgm_ops)',
        trgm_schema
    );
END
$$;
CREATE INDEX people_last_name_idx ON people (last_name, id);
