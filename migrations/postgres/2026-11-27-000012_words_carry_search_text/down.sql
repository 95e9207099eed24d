DROP TABLE person_words;

CREATE TABLE person_words (
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    word TEXT COLLATE "C" NOT NULL,
    person_id TEXT NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    last_name TEXT NOT NULL,
    PRIMARY KEY (municipality_id, word, person_id) INCLUDE (last_name)
);
CREATE INDEX person_words_word_idx ON person_words (word, person_id) INCLUDE (last_name, municipality_id);
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
