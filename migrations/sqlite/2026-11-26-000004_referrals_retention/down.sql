ALTER TABLE people DROP COLUMN anonymised_at;
ALTER TABLE people DROP COLUMN merged_into_id;
DROP TABLE referrals;
