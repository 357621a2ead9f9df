#!/usr/bin/env bash
# Runs the Dompet test suite (`npm test`) against private, throw-away servers.
#
#   bash scripts/test.sh [jest arguments...]
#
# First checks the module boundaries (`npm run lint:deps`, .dependency-cruiser.cjs); a violation fails
# the run (exit code 1) before anything starts.
# Starts FerretDB and Redis with their state in .local/test (wiped first, so
# each run starts from empty databases; $DOMPET_TEST_STATE overrides the
# folder), unless MONGODB_URI and REDIS_URL are both set, in which case those
# servers are used as they are. Tests get DOMPET_SERVICES_STATE and may call
#   bash scripts/services.sh redis-stop|redis-start --state "$DOMPET_SERVICES_STATE"
# The servers are always stopped on exit; the exit code is jest's.
#
# Black-box step (after the main run; DOMPET_BLACK_BOX=auto|1|0, auto = only
# when no jest arguments were given): builds the service, starts it as real
# processes (APP_ROLE=api + a worker, NODE_ENV=production) on a fresh database
# of the same servers, and runs the e2e suite against it over HTTP only
# (E2E_BASE_URL) plus `npm run scenario`; it also runs `npm run check:deploy`.
# Any failure there fails the run. It also runs the Postman workflow with newman against that API
# (scripts/postman.ts) and the generated-client check (scripts/check-client.sh, no server needed).
# JUnit XML of every part lands in test-artifacts/ (*junit*.xml), summed up in test-artifacts/test-report.html.
# With E2E_BASE_URL already set, the e2e suite of the main run drives that
# deployment instead, and the black-box step only runs the scenario against it.
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

# Module boundaries first (.dependency-cruiser.cjs): a violation fails the run before any server starts.
t="$(dompet_now)"
if npm run --silent lint:deps -- --output-type err-long >&2; then
  dompet_log "module boundaries (npm run lint:deps) hold, checked in $(dompet_elapsed "$t")"
else
  dompet_die "module boundaries violated (npm run lint:deps, rules in .dependency-cruiser.cjs): see above."
fi

STATE="${DOMPET_TEST_STATE:-$REPO_ROOT/.local/test}"
STARTED=0
PRIVATE_STATE=0

cleanup() {
  black_box_stop
  if [ "$STARTED" = "1" ]; then
    bash "$SCRIPT_DIR/services.sh" stop --state "$STATE" || true
    if [ "$PRIVATE_STATE" = "1" ]; then
      bash "$SCRIPT_DIR/services.sh" wipe --state "$STATE" >/dev/null 2>&1 || true
      rm -rf "$STATE"
    fi
  fi
}
BLACK_BOX_PIDS=""
BLACK_BOX_BUILD=""
BLACK_BOX_DB=""
# Stops the API and worker processes of the black-box step (if running), drops their database and
# removes their build.
black_box_stop() {
  local pid
  for pid in $BLACK_BOX_PIDS; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in $BLACK_BOX_PIDS; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  BLACK_BOX_PIDS=""
  if [ -n "$BLACK_BOX_DB" ]; then
    BLACK_BOX_DB="$BLACK_BOX_DB" node -e "require('mongodb').MongoClient.connect(process.env.MONGODB_URI, { serverSelectionTimeoutMS: 5000 })
      .then(async (c) => { await c.db(process.env.BLACK_BOX_DB).dropDatabase(); await c.close(); }).catch(() => process.exit(1))" >/dev/null 2>&1 || true
    BLACK_BOX_DB=""
  fi
  if [ -n "$BLACK_BOX_BUILD" ]; then rm -rf "$BLACK_BOX_BUILD"; BLACK_BOX_BUILD=""; fi
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

# JUnit XML and the HTML summary of this run only.
mkdir -p test-artifacts
rm -f test-artifacts/*junit*.xml test-artifacts/test-report.html

BLACK_BOX_REPORTER=()
if [ -n "${E2E_BASE_URL:-}" ]; then
  dompet_log "E2E_BASE_URL is set: the e2e suite drives $E2E_BASE_URL over HTTP only (unset it for the in-process run)"
  BLACK_BOX_REPORTER=(--reporters default --reporters ./test/support/black-box-reporter.js --reporters jest-junit)
  export JEST_JUNIT_OUTPUT_DIR=test-artifacts # reporters given on the command line take no options from jest.config.js
fi

t="$(dompet_now)"
npx jest --config jest.config.js --runInBand "${BLACK_BOX_REPORTER[@]}" "$@"
rc=$?
dompet_log "jest finished with exit code $rc in $(dompet_elapsed "$t")"

# ---- Black-box step: the e2e suite and the scenario over HTTP against real processes ----
# Builds the service and starts it (API + worker) on a fresh database of the test servers; on success
# sets E2E_BASE_URL, E2E_ADMIN_PHONE and E2E_ADMIN_PIN (not exported) for the steps that follow.
black_box_start() {
  local logs="$1" db pin secret port pid
  BLACK_BOX_BUILD="$REPO_ROOT/.local/black-box-build.$$" # inside the repository, so node_modules resolves
  rm -rf "$BLACK_BOX_BUILD"
  # The compiler and settings of `npm run build`; type errors are `npm run lint:types`' business.
  node node_modules/typescript/bin/tsc -p tsconfig.build.json --outDir "$BLACK_BOX_BUILD" >"$logs/build.log" 2>&1
  if [ ! -f "$BLACK_BOX_BUILD/main.js" ] || [ ! -f "$BLACK_BOX_BUILD/worker.js" ]; then
    dompet_log_tail "$logs/build.log"; dompet_warn "black-box: building the service failed"; return 1
  fi
  db="dompet_test_blackbox_$(node -p "require('crypto').randomBytes(4).toString('hex')")"
  BLACK_BOX_DB="$db"
  pin="$(node -p "String(require('crypto').randomInt(0, 1e6)).padStart(6, '0')")"
  secret="$(node -p "require('crypto').randomBytes(32).toString('hex')")"
  port="$(dompet_free_port)"
  local svc=(env NODE_ENV=production LOG_LEVEL=warn HOST=127.0.0.1 PORT="$port" MONGODB_DB="$db" REDIS_PREFIX="t:$db"
    JWT_SECRET="$secret" ADMIN_PHONE=081100000000 ADMIN_PIN="$pin" THROTTLE_LIMIT=1000000)
  "${svc[@]}" node node_modules/migrate-mongo/bin/migrate-mongo.js up -f migrate-mongo-config.js >"$logs/migrate.log" 2>&1 ||
    { dompet_log_tail "$logs/migrate.log"; dompet_warn "black-box: migrations failed"; return 1; }
  "${svc[@]}" APP_ROLE=api node "$BLACK_BOX_BUILD/main.js" >"$logs/api.log" 2>&1 &
  BLACK_BOX_PIDS="$!"
  "${svc[@]}" APP_ROLE=worker node "$BLACK_BOX_BUILD/worker.js" >"$logs/worker.log" 2>&1 &
  BLACK_BOX_PIDS="$BLACK_BOX_PIDS $!"
  E2E_BASE_URL="http://127.0.0.1:$port" E2E_ADMIN_PHONE=081100000000 E2E_ADMIN_PIN="$pin"
  for _ in $(seq 1 120); do
    node -e "fetch('$E2E_BASE_URL/health/ready').then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))" && return 0
    for pid in $BLACK_BOX_PIDS; do
      if ! kill -0 "$pid" 2>/dev/null; then
        dompet_log_tail "$logs/api.log"; dompet_log_tail "$logs/worker.log"; dompet_warn "black-box: a service process exited at start"; return 1
      fi
    done
    sleep 0.25
  done
  dompet_log_tail "$logs/api.log"; dompet_warn "black-box: $E2E_BASE_URL/health/ready did not answer 200 within 30s"; return 1
}

black_box_mode="${DOMPET_BLACK_BOX:-auto}"
if [ "$black_box_mode" = "auto" ]; then
  if [ $# -eq 0 ]; then black_box_mode=1; else black_box_mode=0; fi
fi
if [ "$black_box_mode" = "1" ]; then
  t="$(dompet_now)"
  bb_rc=0
  bb_logs="$STATE/black-box"
  mkdir -p "$bb_logs"
  # The deployment files (Dockerfile, docker-compose.yml) against the code; Docker itself is not needed.
  if npx ts-node --transpile-only scripts/check-deploy.ts >"$bb_logs/check-deploy.log" 2>&1; then
    dompet_log "$(tail -n 1 "$bb_logs/check-deploy.log")"
  else
    grep -E '^FAIL|check-deploy' "$bb_logs/check-deploy.log" >&2 || dompet_log_tail "$bb_logs/check-deploy.log"
    bb_rc=1
  fi
  # The committed openapi.json makes a typed client that test/client/flow.ts compiles against.
  if bash scripts/check-client.sh >"$bb_logs/client-check.log" 2>&1; then
    dompet_log "$(tail -n 1 "$bb_logs/client-check.log")"
  else
    cat "$bb_logs/client-check.log" >&2
    dompet_warn "client check failed: the generated client does not type-check test/client/flow.ts"
    bb_rc=1
  fi
  if [ -n "${E2E_BASE_URL:-}" ]; then
    dompet_log "black-box: the main run drove $E2E_BASE_URL already; scenario against it"
    npx ts-node --transpile-only scripts/scenario.ts --base-url "$E2E_BASE_URL" || bb_rc=1
    npx ts-node --transpile-only scripts/postman.ts --base-url "$E2E_BASE_URL" ${E2E_ADMIN_PHONE:+--admin-phone "$E2E_ADMIN_PHONE"} ${E2E_ADMIN_PIN:+--admin-pin "$E2E_ADMIN_PIN"} >"$bb_logs/postman.log" 2>&1 ||
      { cat "$bb_logs/postman.log" >&2; bb_rc=1; }
    dompet_log "$(tail -n 1 "$bb_logs/postman.log")"
  elif black_box_start "$bb_logs"; then
    dompet_log "black-box: API + worker (NODE_ENV=production) on $E2E_BASE_URL ready in $(dompet_elapsed "$t"); logs in $bb_logs"
    E2E_BASE_URL="$E2E_BASE_URL" E2E_ADMIN_PHONE="$E2E_ADMIN_PHONE" E2E_ADMIN_PIN="$E2E_ADMIN_PIN" JEST_JUNIT_OUTPUT_DIR=test-artifacts JEST_JUNIT_OUTPUT_NAME=black-box-jest-junit.xml \
      npx jest --config jest.config.js --selectProjects e2e --runInBand \
      --reporters default --reporters ./test/support/black-box-reporter.js --reporters jest-junit || bb_rc=1
    npx ts-node --transpile-only scripts/scenario.ts --base-url "$E2E_BASE_URL" || bb_rc=1
    # The Postman workflow (newman, full log in postman.log; JUnit XML in test-artifacts/postman-junit.xml) and
    # the typed client's flow, against the same API.
    if npx ts-node --transpile-only scripts/postman.ts --base-url "$E2E_BASE_URL" --admin-phone "$E2E_ADMIN_PHONE" --admin-pin "$E2E_ADMIN_PIN" >"$bb_logs/postman.log" 2>&1; then
      dompet_log "$(tail -n 1 "$bb_logs/postman.log")"
    else
      cat "$bb_logs/postman.log" >&2
      bb_rc=1
    fi
    npx ts-node --transpile-only -P test/client/tsconfig.json test/client/flow.ts --base-url "$E2E_BASE_URL" || bb_rc=1
    unset E2E_BASE_URL E2E_ADMIN_PHONE E2E_ADMIN_PIN
  else
    bb_rc=1
  fi
  black_box_stop
  dompet_log "black-box step finished with exit code $bb_rc in $(dompet_elapsed "$t")"
  [ "$bb_rc" = "0" ] || rc=1
fi
npx ts-node --transpile-only scripts/junit-html.ts || true
exit $rc
