-- The rows of pages name no single person: they need no entry in the person index.
CREATE INDEX CONCURRENTLY access_log_record_person_idx ON access_log (person_id, id)
    WHERE person_id IS NOT NULL;
