#!/usr/bin/env bash
# Backs up LUMIT's PostgreSQL database while it serves: one consistent snapshot (pg_dump reads
# in a single transaction), in pg_dump's custom format, checked readable before it is kept.
#
#   ops/pg-backup.sh postgres://lumit@db-host/lumit /backups/lumit-$(date +%F).dump
#
# Use pg_dump of the server's major version or newer. See docs/OPERATIONS.md.
set -euo pipefail
url=${1:?usage: ops/pg-backup.sh DATABASE_URL FILE}
file=${2:?usage: ops/pg-backup.sh DATABASE_URL FILE}
if [ -e "$file" ]; then
    echo "$file exists: choose a new file" >&2
    exit 1
fi
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
pg_restore --list "$file.partial" >/dev/null
mv "$file.partial" "$file"
echo "backup written to $file ($(stat -c %s "$file") bytes)"
