-- The word index carries the municipality too, so that a search read through it (a rare word,
-- or a coordinator's search everywhere) filters by municipality inside the index instead of
-- looking up the row of every person with that word.
DROP INDEX person_words_word_idx;
CREATE INDEX person_words_word_idx ON person_words (word, person_id, last_name, municipality_id);
