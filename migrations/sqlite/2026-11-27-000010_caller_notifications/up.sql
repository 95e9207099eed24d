-- Nothing to do on SQLite: the cache of callers that the PostgreSQL migration of this name feeds
-- with notifications is off here (another process, the `lumit` command line, may change accounts
-- without telling the server), and every request reads its caller from the database.
SELECT 1;
