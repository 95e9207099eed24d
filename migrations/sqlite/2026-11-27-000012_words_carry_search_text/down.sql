DROP TABLE person_words;

CREATE TABLE person_words (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    word TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    last_name TEXT NOT NULL,
    PRIMARY KEY (municipality_id, word, person_id)
) WITHOUT ROWID;
CREATE INDEX person_words_word_idx ON person_words (word, person_id, last_name, municipality_id);
CREATE INDEX person_words_person_idx ON person_words (person_id);

WITH RECURSIVE split (person_id, last_name, rest, word) AS (
    SELECT id, last_name, ltrim(search_text) || ' ', NULL FROM people WHERE merged_into_id IS NULL
    UNION ALL
    SELECT person_id, last_name, ltrim(substr(rest, instr(rest, ' '))),
        substr(rest, 1, instr(rest, ' ') - 1)
    FROM split WHERE rest <> ''
),
visible (person_id, municipality_id) AS (
    SELECT id, created_municipality_id FROM people
    UNION
    SELECT person_id, municipality_id FROM cases
)
INSERT OR IGNORE INTO person_words (municipality_id, word, person_id, last_name)
SELECT v.municipality_id, s.word, s.person_id, s.last_name
FROM split s JOIN visible v ON v.person_id = s.person_id
WHERE s.word IS NOT NULL AND s.word <> '';
