-- The first activity of each person since the programme's start, kept as cases and timeline
-- entries are written, so that the cumulative "people assisted" of a report is a count of rows
-- instead of a grouping of every case by person (docs/PERFORMANCE.md, "Reports").
--
-- Activity is a case opened or an entry in a case's timeline. For each person one row per kind:
-- 'person' (key ''), 'municipality' and 'category' (key: the case's), and one per case ('case',
-- key: its municipality), each with the earliest activity at or after `since`. Ids and instants
-- only: nothing here that anonymisation would have to reach.
CREATE TABLE report_activity_since (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- The programme's start as a UTC instant; NULL while the rows are not current (never built,
    -- or a bulk load under way): reports then count from the cases themselves.
    since TIMESTAMP
);
INSERT INTO report_activity_since (id, since) VALUES (1, NULL);

CREATE TABLE report_activity (
    kind TEXT NOT NULL CHECK (kind IN ('person', 'municipality', 'category', 'case')),
    key TEXT NOT NULL,
    person_id TEXT NOT NULL,
    case_id TEXT NOT NULL,
    first_at TIMESTAMP NOT NULL,
    PRIMARY KEY (kind, key, person_id, case_id)
) WITHOUT ROWID;
CREATE INDEX report_activity_person_idx ON report_activity (person_id);

-- Every activity, once per kind of row it counts in.
CREATE VIEW report_activity_rows AS
    SELECT 'person' AS kind, '' AS key, c.person_id, '' AS case_id, c.opened_at AS at FROM cases c
    UNION ALL SELECT 'person', '', c.person_id, '', e.at
        FROM case_events e JOIN cases c ON c.id = e.case_id
    UNION ALL SELECT 'municipality', c.municipality_id, c.person_id, '', c.opened_at FROM cases c
    UNION ALL SELECT 'municipality', c.municipality_id, c.person_id, '', e.at
        FROM case_events e JOIN cases c ON c.id = e.case_id
    UNION ALL SELECT 'category', c.category_id, c.person_id, '', c.opened_at FROM cases c
    UNION ALL SELECT 'category', c.category_id, c.person_id, '', e.at
        FROM case_events e JOIN cases c ON c.id = e.case_id
    UNION ALL SELECT 'case', c.municipality_id, c.person_id, c.id, c.opened_at FROM cases c
    UNION ALL SELECT 'case', c.municipality_id, c.person_id, c.id, e.at
        FROM case_events e JOIN cases c ON c.id = e.case_id;

-- A case opened or an entry written can only make a first activity earlier: its rows are
-- upserted with the earlier instant (a write at a time, whatever the number of the person's
-- cases). A case moved to another person (a merge), a change of category or municipality, a
-- re-dated entry or a deletion recounts the rows of the people it touches (a few cases each),
-- so no path can leave a row stale. Nothing while `since` is NULL.
CREATE TRIGGER report_activity_case_inserted AFTER INSERT ON cases
WHEN NEW.opened_at >= (SELECT since FROM report_activity_since)
BEGIN
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at) VALUES
        ('person', '', NEW.person_id, '', NEW.opened_at),
        ('municipality', NEW.municipality_id, NEW.person_id, '', NEW.opened_at),
        ('category', NEW.category_id, NEW.person_id, '', NEW.opened_at),
        ('case', NEW.municipality_id, NEW.person_id, NEW.id, NEW.opened_at)
    ON CONFLICT (kind, key, person_id, case_id)
    DO UPDATE SET first_at = MIN(first_at, excluded.first_at);
END;

CREATE TRIGGER report_activity_case_updated
AFTER UPDATE OF person_id, municipality_id, category_id, opened_at ON cases
WHEN (SELECT since FROM report_activity_since) IS NOT NULL
BEGIN
    DELETE FROM report_activity WHERE person_id IN (OLD.person_id, NEW.person_id);
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows
        WHERE person_id IN (OLD.person_id, NEW.person_id)
          AND at >= (SELECT since FROM report_activity_since)
        GROUP BY kind, key, person_id, case_id;
END;

CREATE TRIGGER report_activity_case_deleted AFTER DELETE ON cases
WHEN (SELECT since FROM report_activity_since) IS NOT NULL
BEGIN
    DELETE FROM report_activity WHERE person_id = OLD.person_id;
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows
        WHERE person_id = OLD.person_id AND at >= (SELECT since FROM report_activity_since)
        GROUP BY kind, key, person_id, case_id;
END;

CREATE TRIGGER report_activity_entry_inserted AFTER INSERT ON case_events
WHEN NEW.at >= (SELECT since FROM report_activity_since)
BEGIN
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT k.kind,
            CASE k.kind WHEN 'person' THEN '' WHEN 'category' THEN c.category_id
                ELSE c.municipality_id END,
            c.person_id,
            CASE k.kind WHEN 'case' THEN c.id ELSE '' END,
            NEW.at
        FROM cases c,
            (SELECT 'person' AS kind UNION ALL SELECT 'municipality'
             UNION ALL SELECT 'category' UNION ALL SELECT 'case') k
        WHERE c.id = NEW.case_id
    ON CONFLICT (kind, key, person_id, case_id)
    DO UPDATE SET first_at = MIN(first_at, excluded.first_at);
END;

CREATE TRIGGER report_activity_entry_updated AFTER UPDATE OF case_id, at ON case_events
WHEN (SELECT since FROM report_activity_since) IS NOT NULL
BEGIN
    DELETE FROM report_activity WHERE person_id IN
        (SELECT person_id FROM cases WHERE id IN (OLD.case_id, NEW.case_id));
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows
        WHERE person_id IN (SELECT person_id FROM cases WHERE id IN (OLD.case_id, NEW.case_id))
          AND at >= (SELECT since FROM report_activity_since)
        GROUP BY kind, key, person_id, case_id;
END;

CREATE TRIGGER report_activity_entry_deleted AFTER DELETE ON case_events
WHEN (SELECT since FROM report_activity_since) IS NOT NULL
BEGIN
    DELETE FROM report_activity
        WHERE person_id = (SELECT person_id FROM cases WHERE id = OLD.case_id);
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows
        WHERE person_id = (SELECT person_id FROM cases WHERE id = OLD.case_id)
          AND at >= (SELECT since FROM report_activity_since)
        GROUP BY kind, key, person_id, case_id;
END;
