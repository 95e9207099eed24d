-- A coordinator's decision that a person registered elsewhere is also served by a municipality
-- (its desks then see her as their own), with the reason. The reason is free text about the
-- person: anonymisation clears it.
CREATE TABLE person_links (
    person_id TEXT NOT NULL REFERENCES people (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    reason TEXT NOT NULL,
    linked_by_id TEXT NOT NULL,
    linked_at TIMESTAMP NOT NULL,
    PRIMARY KEY (person_id, municipality_id)
);
CREATE INDEX person_links_municipality_idx ON person_links (municipality_id, person_id);
-- The duplicate check looks people up by birth date (or year) before comparing names by sound.
CREATE INDEX people_birth_date_idx ON people (birth_date);
CREATE INDEX people_birth_year_idx ON people (birth_year);
