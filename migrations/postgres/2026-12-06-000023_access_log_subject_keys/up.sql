-- The index of the people a page showed reads their ids as UUIDs (people's ids are UUIDs, made
-- by `db::new_id`): keys of 16 bytes instead of 36 characters, which halved what the index costs
-- each logged page (docs/PERFORMANCE.md). The column stays text, as on SQLite; a binary of the
-- previous release still writes it, and still finds a person's reads, without this index.
DROP INDEX access_log_subjects_idx;
CREATE INDEX access_log_subjects_idx ON access_log
    USING gin ((string_to_array(subjects, ' ')::uuid[]));
-- Rows of pages have no single person: they need no entry in this index.
DROP INDEX access_log_person_idx;
CREATE INDEX access_log_person_idx ON access_log (person_id, id) WHERE person_id IS NOT NULL;
