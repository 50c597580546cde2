#!/usr/bin/env bash
# Back up the provincial system: the PostgreSQL database (pg_dump, custom format) and the
# private files folder (uploads: dossier documents, data store, officers' images), into one
# timestamped folder with a manifest of row counts and file checksums; keep the newest N.
#
#   DATABASE_URL=postgresql://… PROVINCE_PRIVATE_MEDIA_DIR=/srv/province/private \
#   BACKUP_DIR=/srv/backups/province BACKUP_KEEP=14 deploy/backup.sh
#
# Restore with deploy/restore.sh; `make backup-test` proves a backup restores (docs/operations.md).
set -euo pipefail

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database}"
: "${PROVINCE_PRIVATE_MEDIA_DIR:?PROVINCE_PRIVATE_MEDIA_DIR must name the private files folder}"
BACKUP_DIR="${BACKUP_DIR:-/var/backups/province}"
BACKUP_KEEP="${BACKUP_KEEP:-14}"
[[ "$BACKUP_KEEP" =~ ^[1-9][0-9]*$ ]] || { echo "BACKUP_KEEP must be a positive whole number" >&2; exit 2; }

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="$BACKUP_DIR/province-$stamp"
partial="$target.partial"
mkdir -p "$BACKUP_DIR"
umask 077  # backups hold personal data: readable by their owner only
rm -rf "$partial"
mkdir "$partial"

# One consistent snapshot for the dump and the row counts of the manifest: a transaction
# (kept open by a psql co-process) exports its snapshot, counts the rows in it, and pg_dump
# dumps that same snapshot. Custom format: compressed, restorable table by table in parallel.
coproc PSQL { psql "$DATABASE_URL" --no-psqlrc --quiet --tuples-only --no-align --field-separator=' ' -v ON_ERROR_STOP=1; }
psql_pid=$PSQL_PID  # bash unsets PSQL_PID when the co-process ends
echo "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY; SELECT pg_export_snapshot();" >&"${PSQL[1]}"
read -r -t 30 snapshot <&"${PSQL[0]}"
[[ -n "${snapshot:-}" ]] || { echo "could not take a database snapshot" >&2; exit 1; }
tables=(dossiers_dossier dossiers_dossierdocument dossiers_notification accounts_person accounts_auditlog catalogue_procedure)
for table in "${tables[@]}"; do
  echo "SELECT '$table', count(*) FROM $table;" >&"${PSQL[1]}"
  read -r -t 300 line <&"${PSQL[0]}"
  echo "$line" >>"$partial/rows.txt"
done
pg_dump --dbname="$DATABASE_URL" --snapshot="$snapshot" --format=custom --compress=6 --no-owner --no-privileges \
  --file="$partial/database.dump"
echo "COMMIT;" >&"${PSQL[1]}"
exec {PSQL[1]}>&-
wait "$psql_pid" || true

# The private files: taken after the database, so every file a dumped row names is there
# (files of later submissions may be in the archive too; they are harmless).
if [[ -d "$PROVINCE_PRIVATE_MEDIA_DIR" ]]; then
  tar --create --gzip --file="$partial/private.tar.gz" --directory="$PROVINCE_PRIVATE_MEDIA_DIR" .
  (cd "$PROVINCE_PRIVATE_MEDIA_DIR" && find . -type f -print0 | sort -z | xargs -0 -r sha256sum) >"$partial/files.sha256"
else
  echo "warning: $PROVINCE_PRIVATE_MEDIA_DIR does not exist; no files backed up" >&2
  tar --create --gzip --file="$partial/private.tar.gz" --files-from=/dev/null
  : >"$partial/files.sha256"
fi

(cd "$partial" && sha256sum database.dump private.tar.gz rows.txt files.sha256 >SHA256SUMS)
mv "$partial" "$target"
echo "$target"

# Retention: keep the newest BACKUP_KEEP complete backups.
mapfile -t old < <(find "$BACKUP_DIR" -maxdepth 1 -type d -name 'province-*' ! -name '*.partial' | sort -r | tail -n +"$((BACKUP_KEEP + 1))")
for dir in "${old[@]}"; do
  rm -rf -- "$dir"
done
