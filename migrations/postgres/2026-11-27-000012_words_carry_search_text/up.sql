-- Each row of the name-search index carries the person's whole search text (" w1 p1 w2 p2 "), so
-- that a search of several words reads one range, that of its longest word, and checks the other
-- words inside the same index entries (`search_text LIKE '% cacir%'`), instead of reading a range
-- per word and intersecting them. The table is rebuilt rather than altered: both of its indexes
-- change what they carry.
DROP TABLE person_words;

CREATE TABLE person_words (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    word TEXT COLLATE "C" NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- The list's sort key, so that a page of matches is cut before any person is read.
    last_name TEXT NOT NULL,
    search_text TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (municipality_id, word, person_id) INCLUDE (last_name, search_text)
);
-- Coordinators search everywhere (and a rare word may be read so); re-indexing deletes by person.
CREATE INDEX person_words_word_idx ON person_words (word, person_id)
    INCLUDE (last_name, municipality_id, search_text);
CREATE INDEX person_words_person_idx ON person_words (person_id);

INSERT INTO person_words (municipality_id, word, person_id, last_name, search_text)
SELECT DISTINCT v.municipality_id, w.word, p.id, p.last_name, p.search_text
FROM people p
CROSS JOIN LATERAL (
    SELECT p.created_municipality_id AS municipality_id
    UNION
    SELECT c.municipality_id FROM cases c WHERE c.person_id = p.id
) v
CROSS JOIN LATERAL unnest(string_to_array(btrim(p.search_text), ' ')) AS w (word)
WHERE p.merged_into_id IS NULL AND w.word <> '';
