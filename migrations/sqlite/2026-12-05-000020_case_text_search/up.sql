-- PostgreSQL gets trigram indexes for free text on cases here; SQLite has none for
-- `LIKE '%…%'` and scans the cases in scope (milliseconds at a province's scale: see
-- docs/PERFORMANCE.md). Kept so that both databases number their migrations alike.
SELECT 1;
