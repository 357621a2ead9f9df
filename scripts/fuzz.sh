#!/usr/bin/env bash
# Fuzzes the Dompet HTTP API from its own OpenAPI document with schemathesis (`npm run fuzz`).
#
#   bash scripts/fuzz.sh [extra `schemathesis run` options...]
#
# Without FUZZ_BASE_URL it starts FerretDB and Redis in .local/fuzz (fresh data on every run;
# with MONGODB_URI and REDIS_URL both set those servers are used instead), migrates a fresh
# database, starts the API on a free 127.0.0.1 port with throttling off, fuzzes it, and stops
# everything it started on exit. With FUZZ_BASE_URL it fuzzes that deployment instead: only
# point it at one you may fill with test users, money and garbage.
#
# schemathesis (pinned in scripts/fuzz-requirements.txt) lives in the venv .local/venv; pip runs
# only when that file changed. Every response is checked with not_a_server_error (no 5xx),
# status_code_conformance (a documented status), content_type_conformance and
# response_schema_conformance (the body matches the documented schema). The exit code is
# non-zero on any failure, error or time-out.
#
# Two passes, because one token cannot do everything without sabotaging itself:
#   user   every operation except the admin-only ones, as an ordinary user (FUZZ_TOKEN).
#          POST /logout and PUT /profile/pin each run with the token of a user of their own
#          (FUZZ_LOGOUT_TOKEN, FUZZ_PIN_TOKEN): a logout or a PIN change revokes the token it is
#          sent with, and wrong old PINs lock the PIN, which would turn the rest of the pass into
#          401s and 423s. GET /transfers/{id} is given a real transfer (FUZZ_TRANSFER_ID) and POST
#          /transfer a real receiver (FUZZ_RECEIVER_ID), so they reach more than their 404.
#   admin  POST /users and every /users/{id}... operation, as the administrator. It runs after the
#          user pass because it may deactivate, freeze or edit any user it finds (the fuzz user too).
# Only what /docs-json documents is fuzzed (so not the Bull Board under /admin/queues).
#
# Environment (all optional):
#   FUZZ_BASE_URL      fuzz this deployment (e.g. http://127.0.0.1:3000) instead of a private one
#   FUZZ_TOKEN         access token of the ordinary user; default: register and log in a new user
#   FUZZ_LOGOUT_TOKEN  access token of another user, for POST /logout; default: a new user
#   FUZZ_PIN_TOKEN     access token of a third user, for PUT /profile/pin; default: a new user
#   FUZZ_TRANSFER_ID   a transfer the FUZZ_TOKEN user can see; default: top up and make one
#   FUZZ_RECEIVER_ID   user_id every POST /transfer goes to; default: the receiver of that transfer
#   FUZZ_ADMIN_TOKEN   admin access token; default: log in with FUZZ_ADMIN_PHONE / FUZZ_ADMIN_PIN
#                      (defaults ADMIN_PHONE / ADMIN_PIN); against FUZZ_BASE_URL without any of these
#                      the admin pass is skipped
#   FUZZ_MAX_EXAMPLES  test cases per operation and phase (default 25)
#   FUZZ_TIMEOUT       seconds the whole run may take, set-up included, before it fails (default 900)
#   FUZZ_SEED          schemathesis seed (default random; it is printed, to replay a run)
#   FUZZ_WORKERS       concurrent schemathesis workers (default 1)
#   FUZZ_CHECKS        comma-separated checks (default: the four above)
#   FUZZ_PASSES        "user,admin" (default), or one of them
#   FUZZ_PYTHON        Python used to create the venv (default python3)
# Access tokens must outlive the run: the private API issues them for an hour; against a
# deployment keep the run shorter than its ACCESS_TOKEN_TTL_SECONDS.
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
cd "$REPO_ROOT" || exit 1

T_ALL="$(dompet_now)"
MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-25}"
TIMEOUT="${FUZZ_TIMEOUT:-900}"
WORKERS="${FUZZ_WORKERS:-1}"
CHECKS="${FUZZ_CHECKS:-not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance}"
PASSES="${FUZZ_PASSES:-user,admin}"
SEED="${FUZZ_SEED:-$(( (RANDOM << 15) | RANDOM ))}"
PYTHON="${FUZZ_PYTHON:-python3}"
[[ "$MAX_EXAMPLES" =~ ^[1-9][0-9]*$ ]] || dompet_die "FUZZ_MAX_EXAMPLES must be a positive integer, not '$MAX_EXAMPLES'."
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || dompet_die "FUZZ_TIMEOUT must be a positive number of seconds, not '$TIMEOUT'."
[[ "$SEED" =~ ^[0-9]+$ ]] || dompet_die "FUZZ_SEED must be a non-negative integer, not '$SEED'."
DEADLINE=$(( $(date +%s) + TIMEOUT ))

VENV="$REPO_ROOT/.local/venv"
REQUIREMENTS="$SCRIPT_DIR/fuzz-requirements.txt"
WORK="$REPO_ROOT/.local/fuzz-work"   # schemathesis' and hypothesis' caches (kept: found failures replay first)
STATE="$REPO_ROOT/.local/fuzz"       # servers and API log of a private run
mkdir -p "$REPO_ROOT/.local" "$WORK"

API_PID=""
SERVICES_STARTED=0
CONFIG="$WORK/schemathesis-$$.toml"
cleanup() {
  rm -f "$CONFIG"
  if [ -n "$API_PID" ] && kill -0 "$API_PID" 2>/dev/null; then
    kill -TERM "$API_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$API_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$API_PID" 2>/dev/null || true
    dompet_log "stopped the API (pid $API_PID)"
  fi
  if [ "$SERVICES_STARTED" = "1" ]; then
    bash "$SCRIPT_DIR/services.sh" stop --state "$STATE" || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

remaining() { echo $(( DEADLINE - $(date +%s) )); }
check_deadline() {
  [ "$(remaining)" -gt 0 ] || dompet_die "FUZZ_TIMEOUT (${TIMEOUT}s) ran out during $1."
}

# ---- schemathesis in .local/venv ----------------------------------------------------------
ensure_venv() {
  local stamp="$VENV/.fuzz-requirements.sha256" want have t log
  want="$(sha256sum "$REQUIREMENTS" | cut -d' ' -f1)"
  have="$(cat "$stamp" 2>/dev/null || true)"
  if [ "$want" = "$have" ] && "$VENV/bin/schemathesis" --version >/dev/null 2>&1; then
    return 0
  fi
  t="$(dompet_now)"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    command -v "$PYTHON" >/dev/null 2>&1 || dompet_apt_install "Python 3 (for schemathesis)" python3 python3-venv
    rm -rf "$VENV"
    dompet_log "creating the Python venv $VENV"
    if ! "$PYTHON" -m venv "$VENV" >/dev/null 2>&1; then
      # Debian ships venv's ensurepip separately, in python3-venv.
      rm -rf "$VENV"
      dompet_apt_install "Python's venv module (for schemathesis)" python3-venv
      "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; dompet_die "'$PYTHON -m venv $VENV' failed."; }
    fi
  fi
  dompet_log "installing schemathesis into $VENV (pip install -r scripts/fuzz-requirements.txt)"
  log="$(mktemp)"
  if ! "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$REQUIREMENTS" >"$log" 2>&1; then
    tail -n 30 "$log" >&2; rm -f "$log"
    dompet_die "pip could not install scripts/fuzz-requirements.txt (output above)."
  fi
  rm -f "$log"
  printf '%s\n' "$want" >"$stamp"
  dompet_log "schemathesis $("$VENV/bin/schemathesis" --version | awk '{print $NF}') installed in $(dompet_elapsed "$t")"
}

(
  # One installer at a time (parallel runs share the venv).
  if command -v flock >/dev/null 2>&1; then flock -w 600 9 || dompet_die "another run is installing into $VENV"; fi
  ensure_venv
) 9>"$REPO_ROOT/.local/venv.lock" || exit 1
check_deadline "the installation of schemathesis"

# ---- the API under test -------------------------------------------------------------------
if [ -n "${FUZZ_BASE_URL:-}" ]; then
  BASE_URL="${FUZZ_BASE_URL%/}"
  dompet_log "fuzzing the given deployment $BASE_URL"
else
  t="$(dompet_now)"
  if [ ! -d node_modules ]; then
    dompet_log "node_modules is missing: npm ci"
    npm ci --no-audit --no-fund || npm install --no-audit --no-fund || dompet_die "installing node packages failed."
  fi
  if [ -n "${MONGODB_URI:-}" ] && [ -n "${REDIS_URL:-}" ]; then
    dompet_log "using the given servers: MONGODB_URI=$MONGODB_URI REDIS_URL=$REDIS_URL"
  else
    unset MONGODB_URI REDIS_URL
    bash "$SCRIPT_DIR/services.sh" wipe --state "$STATE" >/dev/null 2>&1 || true
    SERVICES_STARTED=1
    env_lines="$(bash "$SCRIPT_DIR/services.sh" start --state "$STATE")" || dompet_die "could not start FerretDB and Redis (see above)."
    eval "$env_lines"
  fi
  export MONGODB_URI REDIS_URL
  suffix="$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')"
  export MONGODB_DB="dompet_fuzz_$suffix"
  dompet_log "migrating the fresh database $MONGODB_DB"
  node node_modules/migrate-mongo/bin/migrate-mongo.js up -f migrate-mongo-config.js >/dev/null ||
    dompet_die "the migrations of $MONGODB_DB failed."
  PORT="$(dompet_free_port)"
  BASE_URL="http://127.0.0.1:$PORT"
  ADMIN_PHONE="${ADMIN_PHONE:-081100000000}"
  ADMIN_PIN="${ADMIN_PIN:-$(printf '%06d' $(( (RANDOM * 32768 + RANDOM) % 1000000 )))}"
  API_LOG="$STATE/api.log"
  mkdir -p "$STATE"
  dompet_log "starting the API on $BASE_URL (log: ${API_LOG#"$REPO_ROOT"/})"
  NODE_ENV=test APP_ROLE=all HOST=127.0.0.1 PORT="$PORT" LOG_LEVEL="${FUZZ_LOG_LEVEL:-warn}" \
    REDIS_PREFIX="fuzz:$MONGODB_DB" THROTTLE_LIMIT=1000000 ACCESS_TOKEN_TTL_SECONDS=3600 \
    ADMIN_PHONE="$ADMIN_PHONE" ADMIN_PIN="$ADMIN_PIN" \
    node -r ts-node/register/transpile-only src/main.ts >"$API_LOG" 2>&1 &
  API_PID=$!
  until node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$BASE_URL/health/ready"; do
    kill -0 "$API_PID" 2>/dev/null || { dompet_log_tail "$API_LOG"; dompet_die "the API exited before it was ready."; }
    [ "$(remaining)" -gt 0 ] || { dompet_log_tail "$API_LOG"; dompet_die "the API was not ready within FUZZ_TIMEOUT (${TIMEOUT}s)."; }
    sleep 0.5
  done
  dompet_log "API ready in $(dompet_elapsed "$t")"
  export FUZZ_ADMIN_PHONE="${FUZZ_ADMIN_PHONE:-$ADMIN_PHONE}" FUZZ_ADMIN_PIN="${FUZZ_ADMIN_PIN:-$ADMIN_PIN}"
fi

# ---- users, tokens and a transfer ---------------------------------------------------------
export FUZZ_BASE="$BASE_URL"
export FUZZ_ADMIN_PHONE="${FUZZ_ADMIN_PHONE:-${ADMIN_PHONE:-}}" FUZZ_ADMIN_PIN="${FUZZ_ADMIN_PIN:-${ADMIN_PIN:-}}"
setup_lines="$("$VENV/bin/python" - <<'PY'
import os, random, shlex, sys, uuid
import requests

base = os.environ["FUZZ_BASE"]
out = {}

def call(method, path, token=None, **kwargs):
    headers = kwargs.pop("headers", {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    res = requests.request(method, base + path, headers=headers, timeout=30, **kwargs)
    if res.status_code >= 300:
        sys.exit(f"[dompet] error: {method} {path} answered {res.status_code}: {res.text[:300]}")
    return res.json()["result"]

def new_user(first_name):
    phone = "089" + "".join(random.choice("0123456789") for _ in range(9))
    pin = "%06d" % random.randrange(1_000_000)
    registered = call("POST", "/register", json={"first_name": first_name, "last_name": "Fuzz", "phone_number": phone, "address": "Jl. Uji Coba No. 1", "pin": pin})
    session = call("POST", "/login", json={"phone_number": phone, "pin": pin})
    return registered["user_id"], session["access_token"]

token = os.environ.get("FUZZ_TOKEN", "")
if not token:
    _, token = new_user("Fuzzer")
    out["FUZZ_TOKEN"] = token
if not os.environ.get("FUZZ_LOGOUT_TOKEN"):
    _, out["FUZZ_LOGOUT_TOKEN"] = new_user("Logout")
if not os.environ.get("FUZZ_PIN_TOKEN"):
    _, out["FUZZ_PIN_TOKEN"] = new_user("Pin")
receiver = os.environ.get("FUZZ_RECEIVER_ID", "")
if not receiver:
    receiver, _ = new_user("Receiver")
    out["FUZZ_RECEIVER_ID"] = receiver
if not os.environ.get("FUZZ_TRANSFER_ID"):
    call("POST", "/topup", token, json={"amount": 500000}, headers={"Idempotency-Key": str(uuid.uuid4())})
    transfer = call("POST", "/transfer", token, json={"target_user": receiver, "amount": 25000, "remarks": "fuzz set-up"}, headers={"Idempotency-Key": str(uuid.uuid4())})
    out["FUZZ_TRANSFER_ID"] = transfer["transfer_id"]
if not os.environ.get("FUZZ_ADMIN_TOKEN") and os.environ.get("FUZZ_ADMIN_PHONE") and os.environ.get("FUZZ_ADMIN_PIN"):
    out["FUZZ_ADMIN_TOKEN"] = call("POST", "/login", json={"phone_number": os.environ["FUZZ_ADMIN_PHONE"], "pin": os.environ["FUZZ_ADMIN_PIN"]})["access_token"]
for key, value in out.items():
    print(f"export {key}={shlex.quote(value)}")
PY
)" || dompet_die "preparing the fuzz users on $BASE_URL failed (see above)."
eval "$setup_lines"
export FUZZ_TOKEN FUZZ_LOGOUT_TOKEN FUZZ_PIN_TOKEN FUZZ_TRANSFER_ID FUZZ_RECEIVER_ID
export FUZZ_ADMIN_TOKEN="${FUZZ_ADMIN_TOKEN:-}"
check_deadline "the set-up"

# The tokens stay in the environment: the config names them and schemathesis reads them from
# there, and it prints them as [Filtered] in its reproduction commands.
cat >"$CONFIG" <<'TOML'
# Written by scripts/fuzz.sh on every run.
headers = { Authorization = "Bearer ${FUZZ_TOKEN}" }

[[operations]]
include-name = "POST /logout"
headers = { Authorization = "Bearer ${FUZZ_LOGOUT_TOKEN}" }

[[operations]]
include-name = "PUT /profile/pin"
headers = { Authorization = "Bearer ${FUZZ_PIN_TOKEN}" }

[[operations]]
include-name = "GET /transfers/{id}"
parameters = { id = "${FUZZ_TRANSFER_ID}" }

[[operations]]
include-name = "POST /transfer"
parameters = { "body.target_user" = "${FUZZ_RECEIVER_ID}" }
TOML
if [ -n "$FUZZ_ADMIN_TOKEN" ]; then
  cat >>"$CONFIG" <<'TOML'

[[operations]]
include-path-regex = "^/users/\\{id\\}"
headers = { Authorization = "Bearer ${FUZZ_ADMIN_TOKEN}" }

[[operations]]
include-name = "POST /users"
headers = { Authorization = "Bearer ${FUZZ_ADMIN_TOKEN}" }
TOML
fi

# ---- the passes ---------------------------------------------------------------------------
run_pass() {
  local name="$1" left rc t
  shift
  left="$(remaining)"
  [ "$left" -gt 0 ] || { dompet_warn "no time left for the $name pass (FUZZ_TIMEOUT=${TIMEOUT}s)"; return 124; }
  t="$(dompet_now)"
  dompet_log "pass '$name': $BASE_URL/docs-json, $MAX_EXAMPLES examples per operation, seed $SEED, checks $CHECKS"
  (
    cd "$WORK" &&
      timeout --kill-after=10 "$left" "$VENV/bin/schemathesis" --no-color --config-file "$CONFIG" run "$BASE_URL/docs-json" \
        --url "$BASE_URL" --checks "$CHECKS" --max-examples "$MAX_EXAMPLES" --seed "$SEED" --workers "$WORKERS" \
        --request-timeout 30 --wait-for-schema 30 --generation-database "$WORK/hypothesis" \
        "$@" "${EXTRA_ARGS[@]}"
  )
  rc=$?
  if [ "$rc" = "124" ] || [ "$rc" = "137" ]; then
    dompet_warn "pass '$name' was stopped by FUZZ_TIMEOUT (${TIMEOUT}s)"
  fi
  dompet_log "pass '$name' finished with exit code $rc in $(dompet_elapsed "$t")"
  return "$rc"
}

EXTRA_ARGS=("$@")
ADMIN_ONLY=(--exclude-name "POST /users" --exclude-path-regex '^/users/\{id\}')
# GET /events is a stream that stays open until the token expires, so a generated request never ends;
# its answers (the stream, 400, 401, 429) are covered by test/e2e/events.e2e-spec.ts.
NOT_FUZZED=(--exclude-name "GET /events")
status=0
ran=0
case ",$PASSES," in
  *,user,*)
    ran=1
    run_pass user "${ADMIN_ONLY[@]}" "${NOT_FUZZED[@]}" || status=1
    ;;
esac
case ",$PASSES," in
  *,admin,*)
    ran=1
    if [ -n "$FUZZ_ADMIN_TOKEN" ]; then
      run_pass admin --include-name "POST /users" --include-path-regex '^/users/\{id\}' || status=1
    else
      dompet_warn "no admin token (FUZZ_ADMIN_TOKEN, or FUZZ_ADMIN_PHONE + FUZZ_ADMIN_PIN): the admin pass is skipped"
    fi
    ;;
esac
[ "$ran" = "1" ] || dompet_die "FUZZ_PASSES='$PASSES' names no pass (user, admin)."

if [ "$status" = "0" ]; then
  dompet_log "fuzzing passed in $(dompet_elapsed "$T_ALL") (seed $SEED)"
else
  dompet_log "fuzzing FAILED in $(dompet_elapsed "$T_ALL"); replay with FUZZ_SEED=$SEED"
fi
exit "$status"
