DROP INDEX people_birth_year_idx;
DROP INDEX people_birth_date_idx;
DROP TABLE person_links;
