-- Name search by word prefix inside the municipalities where each person is visible: one row per
-- (municipality, word of the folded name, person), for the municipality that registered the person
-- and every municipality with a case of theirs. A desk's search reads one short B-tree range per
-- municipality and word instead of every person whose name shares a trigram with the query, and
-- needs no check of each match against the caller's municipalities. The words are those of
-- `people.search_text` (folded and sound-alike forms); merged and anonymised people have none.
-- "C" collation: byte order, so a prefix is one range (`word >= 'moamed' AND word < 'moamee'`).
CREATE TABLE person_words (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    word TEXT COLLATE "C" NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The list's sort key, so that a page of matches is cut before any person is read.
    last_name TEXT NOT NULL,
    PRIMARY KEY (municipality_id, word, person_id) INCLUDE (last_name)
);
-- Coordinators search everywhere; re-indexing a person deletes by person.
CREATE INDEX person_words_word_idx ON person_words (word, person_id) INCLUDE (last_name);
CREATE INDEX person_words_person_idx ON person_words (person_id);

INSERT INTO person_words (municipality_id, word, person_id, last_name)
SELECT DISTINCT v.municipality_id, w.word, p.id, p.last_name
FROM people p
CROSS JOIN LATERAL (
    SELECT p.created_municipality_id AS municipality_id
    UNION
    SELECT c.municipality_id FROM cases c WHERE c.person_id = p.id
) v
CROSS JOIN LATERAL unnest(string_to_array(btrim(p.search_text), ' ')) AS w (word)
WHERE p.merged_into_id IS NULL AND w.word <> '';
