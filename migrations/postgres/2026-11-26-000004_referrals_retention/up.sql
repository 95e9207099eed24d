-- Referrals of a case to another office, with a follow-up date; and the columns that merging and
-- anonymising people need.
CREATE TABLE referrals (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id),
    office_kind TEXT NOT NULL CHECK (office_kind IN ('questura', 'prefettura', 'asl', 'inps', 'school', 'social_services', 'desk', 'other')),
    target_municipality_id TEXT REFERENCES municipalities (id),
    reason TEXT NOT NULL,
    follow_up_date DATE,
    answer TEXT,
    answered_at TIMESTAMP,
    created_by TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX referrals_case_idx ON referrals (case_id, created_at);
CREATE INDEX referrals_follow_up_idx ON referrals (follow_up_date);

ALTER TABLE people ADD COLUMN merged_into_id TEXT REFERENCES people (id);
ALTER TABLE people ADD COLUMN anonymised_at TIMESTAMP;
