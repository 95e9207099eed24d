DROP TABLE person_words;
