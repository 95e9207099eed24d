#!/usr/bin/env bash
# Restores a backup made by ops/pg-backup.sh into an EMPTY database (create it first:
# `createdb -O lumit lumit_restored`), in one transaction: it is restored whole or not at all.
# Then point LUMIT_DATABASE_URL at it and start lumit; `GET /api/v1/audit/verify` checks the
# audit chain.
#
#   ops/pg-restore.sh /backups/lumit-2026-12-04.dump postgres://lumit@db-host/lumit_restored
#
# See docs/OPERATIONS.md.
set -euo pipefail
file=${1:?usage: ops/pg-restore.sh FILE DATABASE_URL}
url=${2:?usage: ops/pg-restore.sh FILE DATABASE_URL}
tables=$(psql "$url" -XAtq -c "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
    echo "the target database is not empty ($tables tables): restore into a new one" >&2
    exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$url" "$file"
echo "restored $file"
