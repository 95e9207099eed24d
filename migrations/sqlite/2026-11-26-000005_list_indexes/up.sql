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

-- The people list in name order (search scans the folded names: SQLite has no trigram index
-- for LIKE, and at a province's scale the scan takes milliseconds).
CREATE INDEX people_last_name_idx ON people (last_name, id);
