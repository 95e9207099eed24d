DROP INDEX access_log_person_idx;
CREATE INDEX access_log_person_idx ON access_log (person_id, id);
DROP INDEX access_log_subjects_idx;
CREATE INDEX access_log_subjects_idx ON access_log USING gin (string_to_array(subjects, ' '));
