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
);
CREATE INDEX report_activity_person_idx ON report_activity (person_id);

-- Every activity, once per kind of row it counts in.
CREATE VIEW report_activity_rows AS
    SELECT 'person'::text AS kind, ''::text AS key, c.person_id, ''::text AS case_id,
        c.opened_at AS at FROM cases c
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

-- One write at a time: the rows change under the writers' lock of the audit chain (the one
-- `Db` takes to link an audit row, `WRITERS_LOCK` in api/src/db/mod.rs). A lock of their own
-- would deadlock against it: a write that holds the writers' lock from its start (a workflow
-- step) and writes an entry would wait for a person's lock held by a write that waits for the
-- writers' lock to link its audit row.
CREATE FUNCTION report_activity_lock() RETURNS void LANGUAGE sql AS $$
    SELECT pg_advisory_xact_lock(7714001);
$$;

-- Recounts one person's rows (a few cases each).
CREATE FUNCTION report_activity_recount(p TEXT) RETURNS void LANGUAGE sql AS $$
    SELECT report_activity_lock();
    DELETE FROM report_activity WHERE person_id = p;
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at)
        SELECT kind, key, person_id, case_id, MIN(at) FROM report_activity_rows
        WHERE person_id = p AND at >= (SELECT since FROM report_activity_since)
        GROUP BY kind, key, person_id, case_id;
$$;

-- An activity can only make a person's first activities earlier: her rows get the earlier
-- instant.
CREATE FUNCTION report_activity_add(p TEXT, municipality TEXT, category TEXT, c TEXT, at TIMESTAMP)
RETURNS void LANGUAGE sql AS $$
    SELECT report_activity_lock();
    INSERT INTO report_activity (kind, key, person_id, case_id, first_at) VALUES
        ('person', '', p, '', at),
        ('municipality', municipality, p, '', at),
        ('category', category, p, '', at),
        ('case', municipality, p, c, at)
    ON CONFLICT (kind, key, person_id, case_id)
    DO UPDATE SET first_at = LEAST(report_activity.first_at, EXCLUDED.first_at);
$$;

-- A case opened or an entry written is added (a write at a time, whatever the number of the
-- person's cases); a case moved to another person (a merge), a change of category or
-- municipality, a re-dated entry or a deletion recounts the rows of the people it touches, so
-- no path can leave a row stale. Nothing while `since` is NULL (a bulk load rebuilds at its end).
CREATE FUNCTION report_activity_cases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    start_at TIMESTAMP := (SELECT s.since FROM report_activity_since s);
BEGIN
    IF start_at IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.opened_at >= start_at THEN
            PERFORM report_activity_add(NEW.person_id, NEW.municipality_id, NEW.category_id,
                NEW.id, NEW.opened_at);
        END IF;
        RETURN NULL;
    END IF;
    PERFORM report_activity_recount(OLD.person_id);
    IF TG_OP = 'UPDATE' AND NEW.person_id <> OLD.person_id THEN
        PERFORM report_activity_recount(NEW.person_id);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_activity_cases
AFTER INSERT OR DELETE OR UPDATE OF person_id, municipality_id, category_id, opened_at ON cases
FOR EACH ROW EXECUTE FUNCTION report_activity_cases();

CREATE FUNCTION report_activity_entries() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    start_at TIMESTAMP := (SELECT s.since FROM report_activity_since s);
BEGIN
    IF start_at IS NULL THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.at >= start_at THEN
            PERFORM report_activity_add(c.person_id, c.municipality_id, c.category_id, c.id,
                NEW.at)
            FROM cases c WHERE c.id = NEW.case_id;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM report_activity_recount(person_id) FROM cases WHERE id = OLD.case_id;
    IF TG_OP = 'UPDATE' AND NEW.case_id <> OLD.case_id THEN
        PERFORM report_activity_recount(person_id) FROM cases WHERE id = NEW.case_id;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER report_activity_entries
AFTER INSERT OR DELETE OR UPDATE OF case_id, at ON case_events
FOR EACH ROW EXECUTE FUNCTION report_activity_entries();
