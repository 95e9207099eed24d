-- People helped at the desks (beneficiaries). Names are also stored folded for search and as a
-- sorted-letter key for duplicate detection, so both work the same on SQLite and PostgreSQL.
CREATE TABLE people (
    id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    search_text TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('F', 'M', 'X')),
    birth_date DATE,
    birth_year INTEGER,
    country_of_birth TEXT,
    citizenship TEXT,
    languages TEXT NOT NULL DEFAULT '[]',
    phone TEXT,
    email TEXT,
    residence_municipality_id TEXT REFERENCES municipalities (id),
    tax_code TEXT,
    permit_type TEXT,
    permit_number TEXT,
    permit_expiry DATE,
    notes TEXT,
    created_municipality_id TEXT NOT NULL REFERENCES municipalities (id),
    version BIGINT NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX people_name_key_idx ON people (name_key);
CREATE INDEX people_created_municipality_idx ON people (created_municipality_id, last_name, id);
CREATE INDEX people_permit_expiry_idx ON people (permit_expiry);
