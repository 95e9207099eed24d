DROP INDEX cases_person_municipality_idx;
CREATE INDEX cases_person_idx ON cases (person_id);
DROP INDEX people_last_name_idx;
DROP INDEX people_search_trgm_idx;
DROP INDEX cases_updated_idx;
DROP INDEX cases_municipality_updated_idx;
DROP INDEX cases_scope_updated_idx;
DROP INDEX cases_municipality_opened_idx;
