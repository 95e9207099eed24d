-- Mediators and translators, their availability, and the service requests municipalities file.
-- Job times are local times in Italy (Europe/Rome), as they are agreed on the phone.
CREATE TABLE mediators (
    id TEXT PRIMARY KEY,
    full_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('mediator', 'translator', 'both')),
    organisation TEXT,
    travels BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    user_id TEXT UNIQUE REFERENCES users (id),
    -- SHA-256 of the secret in the mediator's private iCalendar address.
    feed_token_hash TEXT UNIQUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE mediator_languages (
    mediator_id TEXT NOT NULL REFERENCES mediators (id),
    language TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('native', 'c2', 'c1', 'b2', 'b1')),
    PRIMARY KEY (mediator_id, language)
);
CREATE INDEX mediator_languages_language_idx ON mediator_languages (language);

CREATE TABLE mediator_municipalities (
    mediator_id TEXT NOT NULL REFERENCES mediators (id),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    PRIMARY KEY (mediator_id, municipality_id)
);

-- Weekly windows, minutes since midnight.
CREATE TABLE mediator_windows (
    id TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators (id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_minute INTEGER NOT NULL CHECK (start_minute >= 0),
    end_minute INTEGER NOT NULL CHECK (end_minute <= 1440),
    CHECK (start_minute < end_minute)
);
CREATE INDEX mediator_windows_mediator_idx ON mediator_windows (mediator_id);

-- Days away (holidays, sick leave), both ends included.
CREATE TABLE mediator_absences (
    id TEXT PRIMARY KEY,
    mediator_id TEXT NOT NULL REFERENCES mediators (id),
    from_date DATE NOT NULL,
    to_date DATE NOT NULL,
    reason TEXT,
    CHECK (from_date <= to_date)
);
CREATE INDEX mediator_absences_mediator_idx ON mediator_absences (mediator_id, from_date);

-- Per-year counters for request references (RS-2026-000042), taken inside the writer lock.
CREATE TABLE request_counters (
    year INTEGER PRIMARY KEY,
    last_number BIGINT NOT NULL
);

CREATE TABLE service_requests (
    id TEXT PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'approved', 'rejected', 'assigned', 'confirmed', 'completed', 'cancelled')),
    municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    office TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    -- What is only shown, never searched: contact e-mail and phone, translation's document, pages,
    -- words and sworn flag, mediation's address, setting and participants, attachments'
    -- description, completion notes (JSON).
    details TEXT NOT NULL DEFAULT '{}',
    kind TEXT NOT NULL CHECK (kind IN ('translation', 'mediation')),
    language TEXT NOT NULL,
    target_language TEXT,
    due_date DATE,
    starts_at TIMESTAMP,
    ends_at TIMESTAMP,
    duration_minutes INTEGER,
    remote BOOLEAN NOT NULL DEFAULT FALSE,
    purpose TEXT NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('normal', 'urgent')),
    case_id TEXT REFERENCES cases (id),
    -- The case's municipality, so that visibility of the link is decided without a join.
    case_municipality_id TEXT REFERENCES municipalities (id),
    mediator_id TEXT REFERENCES mediators (id),
    reason TEXT,
    actual_start TIMESTAMP,
    actual_minutes INTEGER,
    outcome TEXT CHECK (outcome IN ('done', 'partly_done', 'no_show')),
    cancel_reason TEXT,
    cancelled_by TEXT,
    cancelled_late BOOLEAN NOT NULL DEFAULT FALSE,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK (kind <> 'mediation' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND starts_at < ends_at)),
    CHECK (status NOT IN ('assigned', 'confirmed', 'completed') OR mediator_id IS NOT NULL)
);
CREATE INDEX service_requests_created_idx ON service_requests (created_at DESC, id DESC);
CREATE INDEX service_requests_municipality_idx ON service_requests (municipality_id, created_at DESC, id DESC);
CREATE INDEX service_requests_status_idx ON service_requests (status, created_at DESC);
-- A mediator's jobs by time: conflict checks, calendars and timesheets.
CREATE INDEX service_requests_mediator_idx ON service_requests (mediator_id, starts_at);

-- The request's history: every transition with who, when and why.
CREATE TABLE request_steps (
    id TEXT PRIMARY KEY,
    request_id TEXT NOT NULL REFERENCES service_requests (id),
    from_status TEXT,
    to_status TEXT NOT NULL,
    note TEXT,
    mediator_name TEXT,
    late BOOLEAN NOT NULL DEFAULT FALSE,
    actor_id TEXT,
    actor_name TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX request_steps_request_idx ON request_steps (request_id, at, id);
