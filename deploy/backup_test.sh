#!/usr/bin/env bash
# `make backup-test`: back up the staging database and files, restore them into a scratch
# database and folder, verify row counts and file checksums, then drop the scratch copy.
#
#   DATABASE_URL (postgresql://postgres@127.0.0.1:5432/tthc_staging, the `make staging` one)
#   PROVINCE_PRIVATE_MEDIA_DIR (var/staging/province/private), BACKUP_DIR (var/backups)
set -euo pipefail
cd "$(dirname "$0")/.."

export DATABASE_URL="${DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/tthc_staging}"
export PROVINCE_PRIVATE_MEDIA_DIR="${PROVINCE_PRIVATE_MEDIA_DIR:-var/staging/province/private}"
export BACKUP_DIR="${BACKUP_DIR:-var/backups}"
export BACKUP_KEEP="${BACKUP_KEEP:-3}"

if ! psql "$DATABASE_URL" --no-psqlrc -qtA -c "SELECT 1 FROM dossiers_dossier LIMIT 1" >/dev/null 2>&1; then
  echo "$DATABASE_URL has no provincial tables: run \`make staging\` once (or set DATABASE_URL)" >&2
  exit 1
fi

backup="$(deploy/backup.sh | tail -n 1)"
echo "backup: $backup ($(du -sh "$backup" | cut -f1))"

scratch="tthc_restore_test_$$"
server="${DATABASE_URL%/*}"
files="$(mktemp -d)/private"
cleanup() {
  psql "$server/postgres" --no-psqlrc -qtA -c "DROP DATABASE IF EXISTS $scratch" >/dev/null || true
  rm -rf "$(dirname "$files")"
}
trap cleanup EXIT
psql "$server/postgres" --no-psqlrc -qtA -c "CREATE DATABASE $scratch" >/dev/null

started=$(date +%s)
deploy/restore.sh "$backup" "$server/$scratch" "$files"
echo "restore verified in $(( $(date +%s) - started )) s into $scratch (dropped now)"
