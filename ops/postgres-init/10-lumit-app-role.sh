#!/bin/sh
# Run once by the postgres image when it creates its data folder: the role the LUMIT server
# connects as. The owner (POSTGRES_USER) runs the migrations; at each start LUMIT grants this
# role what it needs, and no UPDATE, DELETE or TRUNCATE on the audit log (docs/OPERATIONS.md).
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v app_password="$LUMIT_APP_DB_PASSWORD" <<'SQL'
CREATE ROLE lumit_app LOGIN PASSWORD :'app_password';
SQL
