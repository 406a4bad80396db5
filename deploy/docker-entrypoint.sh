#!/bin/sh
# Container entrypoint (tini runs it as PID 1's child).
#
# Without DATABASE_URL: the single-container mode. The launcher
# (migrator/scripts/embedded-launch.mjs) keeps everything under DATA_DIR
# (/data, the image's volume): the embedded database, the generated auth
# secret, attachments and mail; it migrates and runs the given command
# beside the database.
#
# With DATABASE_URL: check the required settings, apply pending database
# migrations, then exec the given command (by default `node serve.mjs`).
#
# Lives next to server.js (the image's /app); every path is relative to this
# file, so scripts/check-standalone.mjs can run the very same script against
# an assembled copy of the image layout.
#
# SKIP_MIGRATIONS=1 skips the migration step (e.g. when several replicas
# start at once and a one-off job applies migrations instead).
set -e

cd "$(dirname "$0")"

fail() {
  echo "[specline] $1" >&2
  exit 1
}

# next-auth builds its callback URLs from NEXTAUTH_URL; derive it like `npm start` does.
if [ -z "$NEXTAUTH_URL" ]; then
  NEXTAUTH_URL="${APP_URL:-http://localhost:${PORT:-3000}}"
  export NEXTAUTH_URL
fi

if [ -z "$DATABASE_URL" ]; then
  if [ -n "$AUTH_SECRET" ] && [ "${#AUTH_SECRET}" -lt 32 ]; then
    fail "AUTH_SECRET must be at least 32 characters (or leave it unset: one is generated into DATA_DIR)"
  fi
  exec node migrator/scripts/embedded-launch.mjs "$@"
fi

[ -n "$AUTH_SECRET" ] || fail "AUTH_SECRET is required with DATABASE_URL (at least 32 characters, e.g. openssl rand -base64 32)"
[ "${#AUTH_SECRET}" -ge 32 ] || fail "AUTH_SECRET must be at least 32 characters"

if [ "${SKIP_MIGRATIONS:-0}" != "1" ]; then
  echo "[specline] applying database migrations…"
  (cd migrator && node scripts/migrate.mjs)
fi

echo "[specline] starting: $*"
exec "$@"
