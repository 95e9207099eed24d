-- Free text on cases matches anywhere in the reference and the summary. No B-tree serves that;
-- an FTS5 index of trigrams does (as pg_trgm on PostgreSQL), so a search reads the cases that
-- hold the text instead of every case in scope. The index reads its text from `cases` (external
-- content, keyed on the rowid) and triggers keep it current. `cases` has no INTEGER PRIMARY KEY:
-- VACUUM keeps its rowids (the table has indexes), but a migration that rebuilds `cases` by
-- copying it must rebuild this index too (`INSERT INTO cases_text (cases_text) VALUES
-- ('rebuild')`) and create the triggers again. `secure-delete`: when a summary is replaced
-- (erasure writes "[anonimizzato]") its trigrams are removed from the index's pages, not only
-- marked deleted.
CREATE VIRTUAL TABLE cases_text USING fts5 (
    reference, summary,
    content = 'cases', content_rowid = 'rowid',
    tokenize = 'trigram'
);
INSERT INTO cases_text (cases_text, rank) VALUES ('secure-delete', 1);
INSERT INTO cases_text (cases_text) VALUES ('rebuild');

CREATE TRIGGER cases_text_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_text (rowid, reference, summary)
        VALUES (new.rowid, new.reference, new.summary);
END;
CREATE TRIGGER cases_text_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_text (cases_text, rowid, reference, summary)
        VALUES ('delete', old.rowid, old.reference, old.summary);
END;
CREATE TRIGGER cases_text_update AFTER UPDATE OF reference, summary ON cases
WHEN old.reference IS NOT new.reference OR old.summary IS NOT new.summary BEGIN
    INSERT INTO cases_text (cases_text, rowid, reference, summary)
        VALUES ('delete', old.rowid, old.reference, old.summary);
    INSERT INTO cases_text (rowid, reference, summary)
        VALUES (new.rowid, new.reference, new.summary);
END;
