CREATE INDEX CONCURRENTLY access_log_person_idx ON access_log (person_id, id);
