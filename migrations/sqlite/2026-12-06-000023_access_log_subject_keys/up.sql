-- PostgreSQL's access-log indexes change here; SQLite finds a person's reads by reading
-- its log (a small office's). Kept so that both databases number their migrations alike.
SELECT 1;
