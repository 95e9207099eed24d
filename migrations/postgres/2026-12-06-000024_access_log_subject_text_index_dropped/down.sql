CREATE INDEX CONCURRENTLY access_log_subjects_idx ON access_log USING gin (string_to_array(subjects, ' '));
