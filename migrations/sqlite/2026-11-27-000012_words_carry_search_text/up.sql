-- Each row of the name-search index carries the person's whole search text (see the PostgreSQL
-- migration): a search of several words reads the range of its longest word and checks the others
-- in the same rows. The table is clustered on its key (WITHOUT ROWID), so a range of it carries
-- the text; the word index carries it too.
DROP TABLE person_words;

CREATE TABLE person_words (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    word TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    last_name TEXT NOT NULL,
    search_text TEXT NOT NULL,
    PRIMARY KEY (municipality_id, word, person_id)
) WITHOUT ROWID;
CREATE INDEX person_words_word_idx ON person_words (word, person_id, last_name, municipality_id, search_text);
CREATE INDEX person_words_person_idx ON person_words (person_id);

WITH RECURSIVE split (person_id, last_name, search_text, rest, word) AS (
    SELECT id, last_name, search_text, ltrim(search_text) || ' ', NULL FROM people
    WHERE merged_into_id IS NULL
    UNION ALL
    SELECT person_id, last_name, search_text, ltrim(substr(rest, instr(rest, ' '))),
        substr(rest, 1, instr(rest, ' ') - 1)
    FROM split WHERE rest <> ''
),
visible (person_id, municipality_id) AS (
    SELECT id, created_municipality_id FROM people
    UNION
    SELECT person_id, municipality_id FROM cases
)
INSERT OR IGNORE INTO person_words (municipality_id, word, person_id, last_name, search_text)
SELECT v.municipality_id, s.word, s.person_id, s.last_name, s.search_text
FROM split s JOIN visible v ON v.person_id = s.person_id
WHERE s.word IS NOT NULL AND s.word <> '';
