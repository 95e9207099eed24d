-- The index of the people a page showed reads their ids as UUIDs (people's ids are UUIDs, made
-- by `db::new_id`): keys of 16 bytes instead of 36 characters, which halved what the index costs
-- each logged page (docs/PERFORMANCE.md). The column stays text, as on SQLite.
--
-- Built CONCURRENTLY, outside a transaction (metadata.toml), so that the reads the running
-- instances log are not held up while it is built over a large log; one statement per
-- migration, as PostgreSQL requires. Without IF NOT EXISTS: a build cut short leaves an invalid
-- index, and this migration then stops the start with its name, to be dropped by hand.
CREATE INDEX CONCURRENTLY access_log_subject_keys_idx ON access_log
    USING gin ((string_to_array(subjects, ' ')::uuid[]));
