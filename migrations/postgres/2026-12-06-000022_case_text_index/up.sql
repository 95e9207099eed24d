-- SQLite gets an FTS5 trigram index for free text on cases here; PostgreSQL has had trigram
-- indexes for it since migration 20. Kept so that both databases number their migrations alike.
SELECT 1;
