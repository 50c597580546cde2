#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into a database and a files folder, then verify
# the row counts and every file's checksum against the backup's manifest.
#
#   deploy/restore.sh /srv/backups/province/province-20261123T120000Z \
#       postgresql://postgres@127.0.0.1/province_restored /srv/province/private-restored
#
# The target database must exist and be empty (createdb first); the files folder must be
# empty or missing. Stop the web processes and workers before restoring over a live system.
set -euo pipefail

backup="${1:?usage: restore.sh BACKUP_FOLDER DATABASE_URL FILES_FOLDER}"
database_url="${2:?usage: restore.sh BACKUP_FOLDER DATABASE_URL FILES_FOLDER}"
files_dir="${3:?usage: restore.sh BACKUP_FOLDER DATABASE_URL FILES_FOLDER}"

backup="$(cd "$backup" && pwd)"
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || { echo "the backup is damaged (SHA256SUMS)" >&2; exit 1; }

tables="$(psql "$database_url" --no-psqlrc --tuples-only --no-align -c "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")"
if [[ "$tables" != "0" ]]; then
  echo "the target database is not empty ($tables tables): restore into a new database" >&2
  exit 1
fi
if [[ -d "$files_dir" ]] && [[ -n "$(ls -A "$files_dir")" ]]; then
  echo "the files folder $files_dir is not empty" >&2
  exit 1
fi

pg_restore --dbname="$database_url" --no-owner --no-privileges --exit-on-error --jobs=2 "$backup/database.dump"
mkdir -p "$files_dir"
tar --extract --gzip --file="$backup/private.tar.gz" --directory="$files_dir"

# Verify: the same row counts, the same files with the same content.
status=0
while read -r table expected; do
  actual="$(psql "$database_url" --no-psqlrc --tuples-only --no-align -c "SELECT count(*) FROM $table")"
  if [[ "$actual" != "$expected" ]]; then
    echo "rows differ in $table: backup $expected, restored $actual" >&2
    status=1
  else
    echo "ok $table $actual rows"
  fi
done <"$backup/rows.txt"
if [[ ! -s "$backup/files.sha256" ]]; then
  if [[ -n "$(find "$files_dir" -type f -print -quit)" ]]; then
    echo "files differ from the backup (it lists none)" >&2
    status=1
  else
    echo "ok 0 files"
  fi
elif (cd "$files_dir" && sha256sum --quiet --check "$backup/files.sha256"); then
  echo "ok $(wc -l <"$backup/files.sha256") files"
else
  echo "files differ from the backup" >&2
  status=1
fi
exit "$status"
