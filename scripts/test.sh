#!/usr/bin/env bash
# Runs the Dompet test suite (`npm test`) against private, throw-away servers.
#
#   bash scripts/test.sh [jest arguments...]
#
# Starts FerretDB and Redis with their state in .local/test (wiped first, so
# each run starts from empty databases; $DOMPET_TEST_STATE overrides the
# folder), unless MONGODB_URI and REDIS_URL are both set, in which case those
# servers are used as they are. Tests get DOMPET_SERVICES_STATE and may call
#   bash scripts/services.sh redis-stop|redis-start --state "$DOMPET_SERVICES_STATE"
# The servers are always stopped on exit; the exit code is jest's.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
cd "$REPO_ROOT" || exit 1

if [ ! -d node_modules ]; then
  t="$(dompet_now)"
  dompet_log "node_modules is missing: npm ci"
  npm ci --no-audit --no-fund || dompet_die "installing node packages failed."
  dompet_log "npm ci took $(dompet_elapsed "$t")"
fi

STATE="${DOMPET_TEST_STATE:-$REPO_ROOT/.local/test}"
STARTED=0
PRIVATE_STATE=0

cleanup() {
  if [ "$STARTED" = "1" ]; then
    bash "$SCRIPT_DIR/services.sh" stop --state "$STATE" || true
    if [ "$PRIVATE_STATE" = "1" ]; then
      bash "$SCRIPT_DIR/services.sh" wipe --state "$STATE" >/dev/null 2>&1 || true
      rm -rf "$STATE"
    fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -n "${MONGODB_URI:-}" ] && [ -n "${REDIS_URL:-}" ]; then
  dompet_log "using the given servers: MONGODB_URI=$MONGODB_URI REDIS_URL=$REDIS_URL"
else
  unset MONGODB_URI REDIS_URL
  t="$(dompet_now)"
  mkdir -p "$STATE"
  # A run owns its state folder for its whole duration. When another run in
  # this checkout holds it, use a private folder so neither disturbs the other.
  if command -v flock >/dev/null 2>&1; then
    exec 7>"$STATE/.test-run.lock"
    if ! flock -n 7; then
      exec 7>&-
      STATE="$STATE-$$"
      PRIVATE_STATE=1
      mkdir -p "$STATE"
      dompet_log "another test run uses the default test servers; this one uses $STATE"
      exec 7>"$STATE/.test-run.lock"
      flock -n 7 || true
    fi
  fi
  # Fresh data each run; the FerretDB binary cache (~/.cache/dompet) stays.
  bash "$SCRIPT_DIR/services.sh" wipe --state "$STATE" >/dev/null 2>&1 || true
  STARTED=1
  env_lines="$(bash "$SCRIPT_DIR/services.sh" start --state "$STATE")" ||
    dompet_die "could not start the test servers (see above)."
  eval "$env_lines"
  export DOMPET_SERVICES_STATE="$STATE"
  dompet_log "test servers ready in $(dompet_elapsed "$t")"
fi
export MONGODB_URI REDIS_URL

t="$(dompet_now)"
# --forceExit: Bull and ioredis clients of closed test apps can keep the event loop alive for a while.
npx jest --config jest.config.js --runInBand --forceExit "$@"
rc=$?
dompet_log "jest finished with exit code $rc in $(dompet_elapsed "$t")"
exit $rc
