DROP INDEX person_words_word_idx;
CREATE INDEX person_words_word_idx ON person_words (word, person_id, last_name);
