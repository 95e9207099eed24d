-- PostgreSQL indexes the people of a page by their UUIDs from here; SQLite finds them by
-- reading its log (a small office's). Kept so that both databases number their migrations alike.
SELECT 1;
