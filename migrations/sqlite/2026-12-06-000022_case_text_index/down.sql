DROP TRIGGER cases_text_update;
DROP TRIGGER cases_text_delete;
DROP TRIGGER cases_text_insert;
DROP TABLE cases_text;
