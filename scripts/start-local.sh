#!/usr/bin/env bash
# Starts Dompet locally (`npm run start:local`): FerretDB + Redis kept in .local/,
# database migrations, example data, then the API in the foreground.
#
# Ctrl-C stops the API only; the servers keep running (and keep their data)
# until `npm run services -- stop`. Environment: PORT (default 3000),
# NODE_ENV (default development),
# MONGODB_URI + REDIS_URL (use those servers instead of starting any).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
cd "$REPO_ROOT"

if [ ! -d node_modules ]; then
  dompet_log "node_modules is missing: npm ci"
  npm ci --no-audit --no-fund || dompet_die "installing node packages (npm ci) failed."
fi

STATE="$REPO_ROOT/.local"
t="$(dompet_now)"
env_lines="$(bash "$SCRIPT_DIR/services.sh" start --state "$STATE")" ||
  dompet_die "could not start the local servers (see above)."
eval "$env_lines"
export MONGODB_URI REDIS_URL
dompet_log "servers ready in $(dompet_elapsed "$t")"

t="$(dompet_now)"
if [ -f dist/main.js ] && [ -z "$(find src tsconfig.json tsconfig.build.json package-lock.json -newer dist/main.js -print -quit 2>/dev/null)" ]; then
  dompet_log "dist/ is up to date with src/; not rebuilding"
else
  dompet_log "building (npm run build)"
  npm run --silent build
  dompet_log "built in $(dompet_elapsed "$t")"
fi

dompet_log "applying migrations (npm run migrate)"
npm run --silent migrate
dompet_log "loading example data (npm run seed)"
npm run --silent seed

export NODE_ENV="${NODE_ENV:-development}"
export PORT="${PORT:-3000}"
base="http://127.0.0.1:$PORT"
dompet_log "starting the API (NODE_ENV=$NODE_ENV)"
dompet_log "  API:          $base/"
dompet_log "  API docs:     $base/docs"
dompet_log "  queues board: $base/admin/queues"
dompet_log "Ctrl-C stops the API; the servers keep running until: npm run services -- stop"
exec node dist/main.js
