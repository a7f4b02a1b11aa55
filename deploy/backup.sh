#!/usr/bin/env bash
# Back up Cofinancia: the PostgreSQL database (pg_dump, custom format), then the documents.
#
#   deploy/backup.sh /srv/backups/cofinancia          # writes /srv/backups/cofinancia/<UTC stamp>/
#
# Reads the portal's own settings from the environment: DATABASE_URL, STORAGE_BACKEND,
# STORAGE_LOCAL_ROOT (local disk) or S3_BUCKET / S3_ENDPOINT_URL / S3_REGION and boto3's usual
# credentials (S3). The database is dumped FIRST: documents are stored before the row that
# names them commits, so a storage copy taken afterwards holds every object the dump refers to.
#
# Writes into the dated folder:
#   database.dump      pg_dump --format=custom (restore with pg_restore; see restore_drill.py)
#   storage.tar.gz     local disk: the whole STORAGE_LOCAL_ROOT
#   storage/           S3: a copy of every object (key = path); with BACKUP_BUCKET set, the
#                      objects are copied to that bucket instead (same endpoint), incrementally
#   MANIFEST           what was backed up, from where (no secrets), and SHA-256 of the files
#
# Prefer S3 bucket versioning (README, "Backups and the restore drill") over copies of the
# bucket: deleted or overwritten objects stay recoverable with no copy to schedule.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
python="${PYTHON:-$root/.venv/bin/python}"
dest="${1:?usage: deploy/backup.sh DEST_DIR}"
: "${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgresql*) ;;
  *) echo "backup.sh backs up PostgreSQL only (DATABASE_URL is not postgresql://)" >&2; exit 2 ;;
esac

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="$dest/$stamp"
umask 077  # the dump holds personal data and bank details
mkdir -p "$out"

# SQLAlchemy's "postgresql+psycopg://user:pass@…" → libpq's "postgresql://user@…", the password
# in PGPASSWORD (not on pg_dump's command line, which other users of the machine can read).
url_part() {
  "$python" -c 'import os, sys
from sqlalchemy.engine import make_url
url = make_url(os.environ["DATABASE_URL"])
plain = url._replace(password=None).set(drivername="postgresql").render_as_string(hide_password=False)
sys.stdout.write(url.password or "" if sys.argv[1] == "password" else plain)' "$1"
}
libpq_url="$(url_part url)"
db_password="$(url_part password)"
if [ -n "$db_password" ]; then export PGPASSWORD="$db_password"; fi

echo "database → $out/database.dump"
pg_dump --format=custom --no-owner --no-privileges --file "$out/database.dump" "$libpq_url"

backend="${STORAGE_BACKEND:-local}"
case "$backend" in
  local)
    storage_root="${STORAGE_LOCAL_ROOT:-$root/instance/storage}"
    echo "documents ($storage_root) → $out/storage.tar.gz"
    tar -C "$storage_root" -czf "$out/storage.tar.gz" .
    storage_copy="storage.tar.gz"
    ;;
  s3)
    : "${S3_BUCKET:?S3_BUCKET must name the documents bucket}"
    if [ -n "${BACKUP_BUCKET:-}" ]; then
      echo "documents (s3://$S3_BUCKET) → s3://$BACKUP_BUCKET"
      "$python" -m deploy.s3copy "s3://$S3_BUCKET" "s3://$BACKUP_BUCKET"
      storage_copy="s3://$BACKUP_BUCKET"
    else
      echo "documents (s3://$S3_BUCKET) → $out/storage/"
      "$python" -m deploy.s3copy "s3://$S3_BUCKET" "$out/storage"
      storage_copy="storage/"
    fi
    ;;
  *) echo "unknown STORAGE_BACKEND $backend" >&2; exit 2 ;;
esac

{
  echo "created_utc=$stamp"
  echo "storage_backend=$backend"
  echo "storage_copy=$storage_copy"
  (cd "$out" && find . -maxdepth 1 -type f ! -name MANIFEST -exec sha256sum {} +)
} > "$out/MANIFEST"
echo "backup complete: $out"
