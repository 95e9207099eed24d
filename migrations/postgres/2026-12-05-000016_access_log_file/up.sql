-- On SQLite the access log moves to a file of its own; PostgreSQL keeps it where it is.
SELECT 1;
