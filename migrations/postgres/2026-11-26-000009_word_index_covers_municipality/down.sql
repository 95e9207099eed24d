CREATE INDEX person_words_word_narrow ON person_words (word, person_id) INCLUDE (last_name);
DROP INDEX person_words_word_idx;
ALTER INDEX person_words_word_narrow RENAME TO person_words_word_idx;
