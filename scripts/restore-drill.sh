#!/usr/bin/env bash
# Restore drill (docs/OPERATIONS.md, "Backups and the restore drill"): back a Mamori
# PostgreSQL database up with pg_dump, destroy it, restore the dump into a FRESH database, and
# prove the copy is whole: `mamori audit verify` (every hash chain intact, the same number of
# records as before) and `mamori ledger check` (balances, entries and transfers consistent, the
# same counts as before), and the schema already at the latest migration.
#
#   scripts/restore-drill.sh                      a scratch database with the demo data and
#                                                 some activity is made, dumped, dropped, restored
#   scripts/restore-drill.sh --source URL         drill on that database (e.g. a staging copy);
#                                                 it is NOT dropped unless --destroy-source
#   options: --destroy-source   drop the source after the dump (only ever on a copy!)
#            --keep             keep the restored database (its URL is printed)
#
# Environment: DRILL_ADMIN_URL — a PostgreSQL URL whose role may create and drop databases
# (default postgres://postgres@127.0.0.1:5432/postgres). MAMORI_MASTER_KEY and
# MAMORI_CONFIRMATION_PEPPER are not needed: the checks read no secret. Exit 0 only when every
# check passed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
ADMIN_URL="${DRILL_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
SERVER_URL="${ADMIN_URL%/*}"   # without the database name
SOURCE_URL=""
DESTROY_SOURCE=0
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --source) SOURCE_URL="${2:?--source needs a URL}"; shift 2 ;;
    --destroy-source) DESTROY_SOURCE=1; shift ;;
    --keep) KEEP=1; shift ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "restore-drill: unknown option $1" >&2; exit 2 ;;
  esac
done

for tool in pg_dump pg_restore psql node; do
  command -v "$tool" >/dev/null || { echo "restore-drill: $tool is not installed" >&2; exit 1; }
done

STAMP="$(date +%Y%m%d%H%M%S)_$$"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/mamori-drill.XXXXXX")"
RESTORED_NAME="mamori_drill_restored_${STAMP}"
RESTORED_URL="${SERVER_URL}/${RESTORED_NAME}"
cleanup() {
  if [ "$KEEP" != 1 ]; then psql -q -d "$ADMIN_URL" -c "drop database if exists ${RESTORED_NAME} with (force)" >/dev/null 2>&1 || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '== %s\n' "$*"; }
# mamori with only what the checks need: the database URL and a private data directory.
mamori() { env -i PATH="$PATH" HOME="$WORK" MAMORI_DATA_DIR="$WORK/data" DATABASE_URL="$1" LOG_LEVEL=warn node "$ROOT/bin/mamori.js" "${@:2}"; }
# The database name of a URL (what follows the last slash, without a query).
database_of() { local rest="${1##*/}"; printf '%s' "${rest%%\?*}"; }

if [ -z "$SOURCE_URL" ]; then
  SOURCE_NAME="mamori_drill_source_${STAMP}"
  SOURCE_URL="${SERVER_URL}/${SOURCE_NAME}"
  DESTROY_SOURCE=1
  say "source: a scratch database with the demo data and some activity (${SOURCE_NAME})"
  psql -q -d "$ADMIN_URL" -c "create database ${SOURCE_NAME}"
  mamori "$SOURCE_URL" migrate >/dev/null
  mamori "$SOURCE_URL" demo >/dev/null                       # institutions, customers, accounts (ledger entries)
  mamori "$SOURCE_URL" institution set-policy demo otpWarnAt=3 >/dev/null
  mamori "$SOURCE_URL" keys rp demo >/dev/null 2>&1           # audited at the authority
  mamori "$SOURCE_URL" keys rotate --batch-size 10 >/dev/null # re-sealed secrets (none yet), audited key change
  mamori "$SOURCE_URL" jobs run >/dev/null
else
  say "source: $(database_of "$SOURCE_URL")"
fi

say "before the backup"
AUDIT_BEFORE="$(mamori "$SOURCE_URL" audit verify)" || { echo "restore-drill: the SOURCE fails audit verify: $AUDIT_BEFORE" >&2; exit 1; }
LEDGER_BEFORE="$(mamori "$SOURCE_URL" ledger check)" || { echo "restore-drill: the SOURCE fails the ledger check: $LEDGER_BEFORE" >&2; exit 1; }
echo "audit:  $AUDIT_BEFORE"
echo "ledger: $LEDGER_BEFORE"

say "backup: pg_dump (custom format, one consistent snapshot)"
pg_dump --format=custom --no-owner --no-privileges --file "$WORK/mamori.dump" "$SOURCE_URL"
echo "$(du -h "$WORK/mamori.dump" | cut -f1) in $WORK/mamori.dump"

if [ "$DESTROY_SOURCE" = 1 ]; then
  say "destroy: drop the source database"
  psql -q -d "$ADMIN_URL" -c "drop database $(database_of "$SOURCE_URL") with (force)"
fi

say "restore: into a fresh database (${RESTORED_NAME})"
psql -q -d "$ADMIN_URL" -c "create database ${RESTORED_NAME}"
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$RESTORED_URL" "$WORK/mamori.dump"

say "verify the restored copy"
FAILED=0
AUDIT_AFTER="$(mamori "$RESTORED_URL" audit verify)" || FAILED=1
LEDGER_AFTER="$(mamori "$RESTORED_URL" ledger check)" || FAILED=1
MIGRATE_AFTER="$(mamori "$RESTORED_URL" migrate)" || FAILED=1
echo "audit:  $AUDIT_AFTER"
echo "ledger: $LEDGER_AFTER"
echo "schema: $(printf '%s' "$MIGRATE_AFTER" | tail -1)"
if [ "$AUDIT_AFTER" != "$AUDIT_BEFORE" ]; then echo "restore-drill: the audit log differs from the source's" >&2; FAILED=1; fi
if [ "$LEDGER_AFTER" != "$LEDGER_BEFORE" ]; then echo "restore-drill: the ledger differs from the source's" >&2; FAILED=1; fi
if printf '%s' "$MIGRATE_AFTER" | grep -q '^applied '; then echo "restore-drill: the restored schema was not at the latest migration" >&2; FAILED=1; fi

if [ "$FAILED" != 0 ]; then
  echo "restore drill FAILED" >&2
  exit 1
fi
if [ "$KEEP" = 1 ]; then echo "kept the restored database: ${RESTORED_URL}"; fi
echo "restore drill passed"
