-- Cases (pratiche): one person's request for help with one matter, worked at a desk, with a
-- timeline of events. Categories are a managed taxonomy (two levels) seeded from DOMAIN.md.
CREATE TABLE case_categories (
    id TEXT PRIMARY KEY,
    parent_id TEXT REFERENCES case_categories (id),
    name_it TEXT NOT NULL,
    name_en TEXT NOT NULL,
    checklist TEXT NOT NULL DEFAULT '[]',
    retention_years INTEGER,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    sort_order INTEGER NOT NULL DEFAULT 0
);

-- Per-year counters for human-readable references (LU-2026-000123), taken inside the writer lock.
CREATE TABLE case_counters (
    year INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL REFERENCES people (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    desk_id TEXT REFERENCES desks (id),
    category_id TEXT NOT NULL REFERENCES case_categories (id),
    subcategory_id TEXT REFERENCES case_categories (id),
    channel TEXT NOT NULL CHECK (channel IN ('desk', 'phone', 'email', 'outreach')),
    priority TEXT NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    assigned_to_id TEXT REFERENCES users (id),
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_documents', 'waiting_office', 'closed')),
    outcome TEXT CHECK (outcome IN ('resolved', 'partly_resolved', 'not_resolved', 'withdrawn', 'referred_elsewhere')),
    language TEXT,
    mediator_present BOOLEAN NOT NULL DEFAULT FALSE,
    opened_at TIMESTAMP NOT NULL,
    closed_at TIMESTAMP,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    version BIGINT NOT NULL DEFAULT 1
);
-- The worklist's query: a municipality's cases in a status, newest first (keyset pagination).
CREATE INDEX cases_scope_idx ON cases (municipality_id, status, opened_at DESC, id DESC);
CREATE INDEX cases_opened_idx ON cases (opened_at DESC, id DESC);
CREATE INDEX cases_person_idx ON cases (person_id);
CREATE INDEX cases_assigned_idx ON cases (assigned_to_id, status);

CREATE TABLE case_events (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    kind TEXT NOT NULL CHECK (kind IN ('note', 'intervention', 'phone_call', 'document_check', 'appointment', 'status_change', 'referral')),
    note TEXT NOT NULL DEFAULT '',
    minutes INTEGER,
    data TEXT NOT NULL DEFAULT '{}',
    author_id TEXT,
    author_name TEXT,
    at TIMESTAMP NOT NULL,
    edited_at TIMESTAMP
);
CREATE INDEX case_events_case_idx ON case_events (case_id, at, id);
