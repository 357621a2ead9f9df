#!/usr/bin/env bash
# Local servers for Dompet: FerretDB (MongoDB wire protocol) on a private
# PostgreSQL cluster, and Redis.
#
# Usage: bash scripts/services.sh COMMAND [--state DIR]
#
#   start        start (or reuse) the servers, write DIR/env, print export lines
#   stop         stop everything this state folder started
#   status       tell what runs
#   env          print DIR/env (eval "$(bash scripts/services.sh env)")
#   redis-stop   stop only Redis (data and port are kept)
#   redis-start  start only Redis again on the same port with the same data
#   pg-stop, pg-start          the same for FerretDB's PostgreSQL
#   ferretdb-stop, ferretdb-start  the same for FerretDB
#   ferretdb-pause, ferretdb-resume  freeze FerretDB (SIGSTOP: it keeps its port and
#                connections but answers nothing) and let it run again (SIGCONT)
#   wipe         stop everything and delete the state folder's data
#
# State folder: .local/ in the repository unless --state is given. Every server
# keeps its data, logs and pidfile there. If MONGODB_URI and REDIS_URL are both
# set, nothing is started and those are written to DIR/env instead.
# FerretDB runs its postgresql handler on a private cluster in DIR/postgres
# (docs/ferretdb-handlers.md says why).
# Database settings (each on by default; turned off only to measure it): FERRETDB_PG_GIN=off (no GIN
# companion indexes), FERRETDB_PG_GIN_FASTUPDATE=on, FERRETDB_GOGC=100,
# FERRETDB_PG_AUTOVACUUM_NAPTIME=1min (PostgreSQL's default; ours is 1s), FERRETDB_GOMAXPROCS=0
# (Go's default, a processor per core; ours is 1).
# FerretDB binary: $FERRETDB_BIN, else built once into
# ${XDG_CACHE_HOME:-~/.cache}/dompet/ferretdb-<version>-release-reads/ferretdb, with
# scripts/lib/ferretdb-1.24-release-reads.patch applied (see its header).
set -uo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
# shellcheck source=lib/common.sh
. "$SCRIPT_DIR/lib/common.sh"
# shellcheck source=lib/ferretdb.sh
. "$SCRIPT_DIR/lib/ferretdb.sh"

usage() {
  sed -n '2,29p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
}

CMD="${1:-}"
[ -n "$CMD" ] && shift
STATE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --state) [ $# -ge 2 ] || dompet_die "--state needs a directory"; STATE="$2"; shift 2 ;;
    --state=*) STATE="${1#*=}"; shift ;;
    -h | --help) usage; exit 0 ;;
    *) dompet_die "unknown argument '$1' (try --help)" ;;
  esac
done
case "$CMD" in
  start | stop | status | env | redis-stop | redis-start | wipe) ;;
  pg-stop | pg-start | ferretdb-stop | ferretdb-start | ferretdb-pause | ferretdb-resume) ;;
  -h | --help | help) usage; exit 0 ;;
  "") usage; exit 2 ;;
  *) dompet_die "unknown command '$CMD' (start|stop|status|env|redis-stop|redis-start|pg-stop|pg-start|ferretdb-stop|ferretdb-start|ferretdb-pause|ferretdb-resume|wipe)" ;;
esac

STATE="${STATE:-$REPO_ROOT/.local}"
mkdir -p "$STATE" || dompet_die "cannot create the state folder $STATE"
STATE="$(cd "$STATE" && pwd)"
case "$STATE" in
  / | "$HOME" | "$REPO_ROOT") dompet_die "refusing to use $STATE as the state folder; pick a dedicated folder." ;;
esac

RUN_DIR="$STATE/run"
LOG_DIR="$STATE/logs"
CONF="$STATE/run/services.conf"
ENV_FILE="$STATE/env"
EXTERNAL_MARK="$STATE/run/external"
FERRET_PIDFILE="$RUN_DIR/ferretdb.pid"
REDIS_PIDFILE="$RUN_DIR/redis.pid"
mkdir -p "$RUN_DIR" "$LOG_DIR"

# One command at a time per state folder.
exec 8>"$RUN_DIR/.lock"
if command -v flock >/dev/null 2>&1; then
  flock -w 900 8 || dompet_die "another scripts/services.sh is busy with $STATE"
fi

FERRETDB_PORT="" REDIS_PORT="" PG_PORT="" HANDLER="" PG_DATA="" FERRETDB_BIN_USED=""
if [ -f "$CONF" ]; then
  # shellcheck disable=SC1090
  . "$CONF"
fi

save_conf() {
  {
    printf 'FERRETDB_PORT=%q\n' "$FERRETDB_PORT"
    printf 'REDIS_PORT=%q\n' "$REDIS_PORT"
    printf 'PG_PORT=%q\n' "$PG_PORT"
    printf 'HANDLER=%q\n' "$HANDLER"
    printf 'PG_DATA=%q\n' "$PG_DATA"
    printf 'FERRETDB_BIN_USED=%q\n' "$FERRETDB_BIN_USED"
  } >"$CONF.tmp" && mv "$CONF.tmp" "$CONF"
}

# pick_port PREVIOUS : reuses PREVIOUS when it is free, else a new free port.
pick_port() {
  if [ -n "$1" ] && dompet_port_free "$1"; then printf '%s' "$1"; else dompet_free_port; fi
}

# ---------------------------------------------------------------- Redis

find_redis() {
  REDIS_SERVER_BIN="$(command -v redis-server || true)"
  REDIS_CLI_BIN="$(command -v redis-cli || true)"
  [ -n "$REDIS_SERVER_BIN" ] && [ -n "$REDIS_CLI_BIN" ]
}

ensure_redis() {
  find_redis && return 0
  dompet_apt_install "Redis (redis-server)" redis-server
  find_redis || dompet_die "redis-server is still missing after installing it."
}

redis_alive() { dompet_pid_alive "$REDIS_PIDFILE" redis-server; }

redis_ping() {
  [ -n "$REDIS_PORT" ] && [ -n "${REDIS_CLI_BIN:-}" ] &&
    [ "$(timeout 5 "$REDIS_CLI_BIN" -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
}

start_redis() {
  ensure_redis
  if redis_alive; then
    if redis_ping; then
      dompet_log "Redis already runs (pid $(cat "$REDIS_PIDFILE"), port $REDIS_PORT)"
      return 0
    fi
  fi
  [ "${1:-}" = "same-port" ] || REDIS_PORT="$(pick_port "$REDIS_PORT")"
  if ! dompet_port_free "$REDIS_PORT"; then
    dompet_die "port $REDIS_PORT is taken by another program; Redis cannot start there."
  fi
  mkdir -p "$STATE/redis"
  local log="$LOG_DIR/redis.log"
  printf '\n==== %s starting redis-server on 127.0.0.1:%s\n' "$(date -Is)" "$REDIS_PORT" >>"$log"
  setsid "$REDIS_SERVER_BIN" --port "$REDIS_PORT" --bind 127.0.0.1 --dir "$STATE/redis" \
    --appendonly yes --appendfsync everysec --daemonize no --save '' \
    --protected-mode yes --logfile '' \
    </dev/null >>"$log" 2>&1 7>&- 8>&- 9>&- &
  echo $! >"$REDIS_PIDFILE"
  save_conf
  local i
  for ((i = 0; i < 300; i++)); do
    if redis_ping; then
      dompet_log "Redis started (pid $(cat "$REDIS_PIDFILE")) on 127.0.0.1:$REDIS_PORT, data in $STATE/redis"
      return 0
    fi
    if ! redis_alive; then break; fi
    sleep 0.1
  done
  dompet_log_tail "$log"
  dompet_stop_pid "$REDIS_PIDFILE" redis-server Redis 5
  dompet_die "Redis did not answer PING on 127.0.0.1:$REDIS_PORT within 30s (log: $log)."
}

stop_redis() { dompet_stop_pid "$REDIS_PIDFILE" redis-server Redis 15; }

# ---------------------------------------------------------------- PostgreSQL

find_pg() {
  PG_BIN=""
  local d
  if command -v pg_ctl >/dev/null 2>&1 && command -v initdb >/dev/null 2>&1; then
    PG_BIN="$(dirname "$(readlink -f "$(command -v pg_ctl)")")"
  else
    for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
      if [ -x "$d/pg_ctl" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then PG_BIN="$d"; break; fi
    done
  fi
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/postgres" ]
}

ensure_pg() {
  find_pg && return 0
  dompet_apt_install "PostgreSQL (FerretDB's backend)" postgresql
  find_pg || dompet_die "PostgreSQL server binaries are still missing after installing them."
}

# Runs a PostgreSQL server tool as the postgres OS user when we are root
# (PostgreSQL refuses to run as root), as ourselves otherwise.
pg_as() {
  if dompet_is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_data_dir() {
  if [ -n "$PG_DATA" ]; then printf '%s' "$PG_DATA"; return; fi
  local d="$STATE/postgres"
  if dompet_is_root; then
    mkdir -p "$d"
    chown postgres: "$d" 2>/dev/null || true
    if ! runuser -u postgres -- test -w "$d" 2>/dev/null; then
      # The postgres user cannot reach the state folder (e.g. under /root):
      # keep the cluster in a private folder outside it instead.
      d="/var/tmp/dompet-pg-$(printf '%s' "$STATE" | cksum | cut -d' ' -f1)"
      mkdir -p "$d" && chown postgres: "$d" && chmod 700 "$d"
      dompet_log "the postgres user cannot write under $STATE; cluster kept in $d"
    fi
  fi
  printf '%s' "$d/data"
}

pg_running() {
  [ -n "$PG_DATA" ] && [ -f "$PG_DATA/postmaster.pid" ] && find_pg &&
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}

start_pg() {
  ensure_pg
  if dompet_is_root && ! id postgres >/dev/null 2>&1; then
    dompet_die "the 'postgres' OS user is missing; install the Debian postgresql package first."
  fi
  PG_DATA="$(pg_data_dir)"
  local log="$LOG_DIR/postgres.log"
  # The server writes its own log as the postgres user, beside its data.
  local server_log
  server_log="$(dirname "$PG_DATA")/server.log"
  if [ ! -f "$PG_DATA/PG_VERSION" ]; then
    dompet_log "initialising a PostgreSQL cluster in $PG_DATA"
    mkdir -p "$PG_DATA"
    if dompet_is_root; then chown postgres: "$PG_DATA"; fi
    chmod 700 "$PG_DATA"
    if ! pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --no-locale -N >>"$log" 2>&1; then
      dompet_log_tail "$log"
      dompet_die "initdb failed (log: $log)."
    fi
  fi
  if pg_running; then
    dompet_log "PostgreSQL already runs (port $PG_PORT, data $PG_DATA)"
  else
    if [ "${1:-}" = "same-port" ] && ! dompet_port_free "$PG_PORT"; then
      dompet_die "port $PG_PORT is taken by another program; PostgreSQL cannot start there."
    fi
    PG_PORT="$(pick_port "$PG_PORT")"
    save_conf
    # Autovacuum looks at every database once a second (PostgreSQL's default: once a minute). Its
    # ANALYZE of a growing table is what makes FerretDB's prepared lookups leave the sequential-scan
    # plan they settled on while the table was nearly empty (docs/ferretdb-handlers.md, "Plans").
    local naptime="${FERRETDB_PG_AUTOVACUUM_NAPTIME:-1s}"
    [[ "$naptime" =~ ^[0-9]+(s|min)$ ]] || dompet_die "FERRETDB_PG_AUTOVACUUM_NAPTIME takes a duration such as 1s or 1min"
    if ! pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$server_log" -w -t 60 \
      -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c autovacuum_naptime=$naptime" start </dev/null >/dev/null 2>&1 7>&- 8>&- 9>&-; then
      dompet_log_tail "$server_log"
      dompet_die "PostgreSQL did not start on 127.0.0.1:$PG_PORT within 60s (log: $server_log)."
    fi
    dompet_log "PostgreSQL started on 127.0.0.1:$PG_PORT, data in $PG_DATA"
  fi
  local psql="$PG_BIN/psql"
  [ -x "$psql" ] || psql="$(command -v psql || true)"
  [ -n "$psql" ] || dompet_die "psql is missing; install the Debian postgresql-client package."
  if [ "$("$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname = 'ferretdb'" 2>>"$log")" != "1" ]; then
    "$psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -qc 'CREATE DATABASE ferretdb' >>"$log" 2>&1 ||
      dompet_die "could not create the ferretdb database in PostgreSQL (log: $log)."
  fi
  # GIN companions of FerretDB's btree indexes (its equality filters use `@>`, which only a GIN
  # index serves); see the file. Idempotent, so applied at every start,
  # before FerretDB connects.
  # Each tuning can be turned off to measure it (docs/performance.md "Database settings").
  local gin="${FERRETDB_PG_GIN:-on}" fastupdate="${FERRETDB_PG_GIN_FASTUPDATE:-off}"
  [[ "$gin $fastupdate" =~ ^(on|off)\ (on|off)$ ]] || dompet_die "FERRETDB_PG_GIN and FERRETDB_PG_GIN_FASTUPDATE take on or off"
  if ! "$psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d ferretdb -v ON_ERROR_STOP=1 \
    -v gin="$gin" -v fastupdate="$fastupdate" \
    -c 'SET client_min_messages = warning' -f "$SCRIPT_DIR/lib/ferretdb-pg-gin.sql" >>"$log" 2>&1; then
    dompet_log_tail "$log"
    dompet_die "could not install scripts/lib/ferretdb-pg-gin.sql in the ferretdb database (log: $log)."
  fi
  save_conf
}

stop_pg() {
  [ -n "$PG_DATA" ] || return 0
  if pg_running; then
    pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 30 stop >/dev/null 2>&1 ||
      pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
    dompet_log "stopped PostgreSQL (port $PG_PORT)"
  fi
}

# ---------------------------------------------------------------- FerretDB

ferret_alive() { dompet_pid_alive "$FERRET_PIDFILE" ferretdb; }

# Answers once FerretDB accepts connections and serves a ping command.
ferret_ping() {
  [ -n "$FERRETDB_PORT" ] || return 1
  if command -v node >/dev/null 2>&1 && [ -d "$REPO_ROOT/node_modules/mongodb" ]; then
    (cd "$REPO_ROOT" && timeout 15 node -e '
      const { MongoClient } = require("mongodb");
      const c = new MongoClient(process.argv[1], { serverSelectionTimeoutMS: 3000, directConnection: true });
      c.connect().then(() => c.db("admin").command({ ping: 1 }))
        .then(() => c.close().then(() => process.exit(0)))
        .catch(() => process.exit(1));
    ' "mongodb://127.0.0.1:$FERRETDB_PORT/") >/dev/null 2>&1
  else
    dompet_port_open "$FERRETDB_PORT"
  fi
}

start_ferretdb() {
  local handler="$1" same_port="${2:-}"
  if ferret_alive; then
    if [ "$HANDLER" = "$handler" ] && ferret_ping; then
      dompet_log "FerretDB already runs (pid $(cat "$FERRET_PIDFILE"), handler $HANDLER, port $FERRETDB_PORT)"
      return 0
    fi
    dompet_log "restarting FerretDB (handler ${HANDLER:-?} -> $handler)"
    stop_ferretdb
  fi
  dompet_ensure_ferretdb
  FERRETDB_BIN_USED="$DOMPET_FERRETDB_BIN"
  HANDLER="$handler"
  if [ "$same_port" = "same-port" ] && ! dompet_port_free "$FERRETDB_PORT"; then
    dompet_die "port $FERRETDB_PORT is taken by another program; FerretDB cannot start there."
  fi
  FERRETDB_PORT="$(pick_port "$FERRETDB_PORT")"
  local log="$LOG_DIR/ferretdb.log" args
  mkdir -p "$STATE/ferretdb-state"
  args=(--listen-addr="127.0.0.1:$FERRETDB_PORT" --telemetry=disable
    --state-dir="$STATE/ferretdb-state" --debug-addr=- --log-level=warn)
  start_pg
  args+=(--handler=postgresql --postgresql-url="postgres://postgres@127.0.0.1:$PG_PORT/ferretdb")
  printf '\n==== %s starting %s %s\n' "$(date -Is)" "$DOMPET_FERRETDB_BIN" "${args[*]}" >>"$log"
  # FerretDB spends about a quarter of a read in Go's garbage collector (it decodes every document
  # from JSON): a larger heap target (GOGC=400, default 100) served 15-25% more `page_key` block
  # reads per second in the same time on the development machine. Memory stays small (tens of MB).
  # One Go processor (GOMAXPROCS=1): FerretDB shares two cores with PostgreSQL, Redis and the service's
  # processes, and with two processors Go's scheduler moves goroutines between threads and keeps one
  # spinning for work; one processor settled transfers faster in bench:compare --settings
  # (docs/performance.md, "Database settings"). FERRETDB_GOMAXPROCS=0 leaves it to Go (one per core).
  local procs="${FERRETDB_GOMAXPROCS:-1}"
  [[ "$procs" =~ ^[0-9]+$ ]] || dompet_die "FERRETDB_GOMAXPROCS takes a number (0: Go's default)"
  if [ "$procs" = 0 ]; then procs=""; fi
  GOMAXPROCS="$procs" GOGC="${FERRETDB_GOGC:-400}" setsid "$DOMPET_FERRETDB_BIN" "${args[@]}" </dev/null >>"$log" 2>&1 7>&- 8>&- 9>&- &
  echo $! >"$FERRET_PIDFILE"
  save_conf
  local i
  for ((i = 0; i < 120; i++)); do
    if ferret_ping; then
      dompet_log "FerretDB started (pid $(cat "$FERRET_PIDFILE"), handler $handler) on 127.0.0.1:$FERRETDB_PORT"
      return 0
    fi
    ferret_alive || break
    sleep 0.5
  done
  dompet_log_tail "$log"
  dompet_stop_pid "$FERRET_PIDFILE" ferretdb FerretDB 5
  dompet_die "FerretDB did not answer on 127.0.0.1:$FERRETDB_PORT within 60s (log: $log)."
}

stop_ferretdb() { dompet_stop_pid "$FERRET_PIDFILE" ferretdb FerretDB 15; }

# ---------------------------------------------------------------- env file

write_env() {
  local mongo="$1" redis="$2"
  {
    printf '# Written by scripts/services.sh; load with: eval "$(bash scripts/services.sh env --state %q)"\n' "$STATE"
    printf 'export MONGODB_URI=%q\n' "$mongo"
    printf 'export REDIS_URL=%q\n' "$redis"
    printf 'export DOMPET_SERVICES_STATE=%q\n' "$STATE"
  } >"$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# ---------------------------------------------------------------- commands

# True when MONGODB_URI/REDIS_URL are the values this state folder wrote
# itself (for instance after `eval "$(... env)"`), so they are not external.
env_is_ours() {
  [ -f "$ENV_FILE" ] && [ ! -f "$EXTERNAL_MARK" ] || return 1
  local ours_mongo ours_redis
  ours_mongo="$(. "$ENV_FILE" >/dev/null 2>&1; printf '%s' "${MONGODB_URI:-}")"
  ours_redis="$(. "$ENV_FILE" >/dev/null 2>&1; printf '%s' "${REDIS_URL:-}")"
  [ "$ours_mongo" = "${MONGODB_URI:-}" ] && [ "$ours_redis" = "${REDIS_URL:-}" ]
}

cmd_start() {
  if [ -n "${MONGODB_URI:-}" ] && [ -n "${REDIS_URL:-}" ] && ! env_is_ours; then
    touch "$EXTERNAL_MARK"
    write_env "$MONGODB_URI" "$REDIS_URL"
    dompet_log "MONGODB_URI and REDIS_URL are set: starting nothing, using them as given"
    dompet_log "env file: $ENV_FILE"
    cat "$ENV_FILE"
    return 0
  fi
  rm -f "$EXTERNAL_MARK"
  local t0; t0="$(dompet_now)"
  start_redis
  start_ferretdb postgresql
  write_env "mongodb://127.0.0.1:$FERRETDB_PORT/" "redis://127.0.0.1:$REDIS_PORT"
  dompet_log "ready in $(dompet_elapsed "$t0"):"
  dompet_log "  MongoDB API (FerretDB):        mongodb://127.0.0.1:$FERRETDB_PORT/"
  dompet_log "  Redis:                         redis://127.0.0.1:$REDIS_PORT"
  dompet_log "  PostgreSQL (FerretDB backend): postgres://postgres@127.0.0.1:$PG_PORT/ferretdb"
  dompet_log "  state and logs: $STATE   env file: $ENV_FILE"
  cat "$ENV_FILE"
}

cmd_stop() {
  if [ -f "$EXTERNAL_MARK" ] && ! ferret_alive && ! redis_alive; then
    dompet_log "external servers in use (MONGODB_URI/REDIS_URL); nothing to stop"
    return 0
  fi
  stop_ferretdb
  stop_redis
  stop_pg
  dompet_log "all servers of $STATE are stopped"
}

cmd_status() {
  local rc=0
  if [ -f "$EXTERNAL_MARK" ]; then
    dompet_log "external servers (from MONGODB_URI/REDIS_URL):"
    sed -n 's/^export /  /p' "$ENV_FILE" >&2
    return 0
  fi
  find_redis || true
  if ferret_alive; then
    printf 'ferretdb   running  pid %s  handler %s  mongodb://127.0.0.1:%s/\n' "$(cat "$FERRET_PIDFILE")" "$HANDLER" "$FERRETDB_PORT"
  else
    printf 'ferretdb   stopped\n'; rc=3
  fi
  if redis_alive; then
    printf 'redis      running  pid %s  redis://127.0.0.1:%s\n' "$(cat "$REDIS_PIDFILE")" "$REDIS_PORT"
  else
    printf 'redis      stopped\n'; rc=3
  fi
  if [ -n "$PG_DATA" ]; then
    if pg_running; then
      printf 'postgresql running  pid %s  postgres://postgres@127.0.0.1:%s/ferretdb\n' "$(head -n1 "$PG_DATA/postmaster.pid")" "$PG_PORT"
    else
      printf 'postgresql stopped\n'
    fi
  fi
  printf 'state      %s\n' "$STATE"
  return $rc
}

cmd_env() {
  [ -s "$ENV_FILE" ] || dompet_die "no env file in $STATE yet; run: bash scripts/services.sh start --state $STATE"
  cat "$ENV_FILE"
}

cmd_redis_stop() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "Redis is external (REDIS_URL); it is not ours to stop."
  stop_redis
}

cmd_redis_start() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "Redis is external (REDIS_URL); it is not ours to start."
  [ -n "$REDIS_PORT" ] || dompet_die "Redis was never started in $STATE; run 'start' first."
  start_redis same-port
}

cmd_pg_stop() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); its PostgreSQL is not ours to stop."
  [ -n "$PG_DATA" ] || dompet_die "no PostgreSQL cluster in $STATE (FerretDB handler: ${HANDLER:-none})."
  stop_pg
}

cmd_pg_start() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); its PostgreSQL is not ours to start."
  [ -n "$PG_DATA" ] && [ -n "$PG_PORT" ] || dompet_die "PostgreSQL was never started in $STATE; run 'start' first."
  start_pg same-port
}

# Signals the FerretDB of this state folder (a paused one is resumed before it is stopped).
ferret_signal() {
  ferret_alive || dompet_die "FerretDB does not run in $STATE."
  kill "-$1" "$(head -n1 "$FERRET_PIDFILE")" || dompet_die "could not send SIG$1 to FerretDB."
}

cmd_ferretdb_stop() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); it is not ours to stop."
  if ferret_alive; then ferret_signal CONT; fi
  stop_ferretdb
}

cmd_ferretdb_start() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); it is not ours to start."
  [ -n "$FERRETDB_PORT" ] && [ -n "$HANDLER" ] || dompet_die "FerretDB was never started in $STATE; run 'start' first."
  if ferret_alive; then ferret_signal CONT; fi
  start_ferretdb "$HANDLER" same-port
}

cmd_ferretdb_pause() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); it is not ours to pause."
  ferret_signal STOP
  dompet_log "paused FerretDB (pid $(cat "$FERRET_PIDFILE"), SIGSTOP); resume it with ferretdb-resume"
}

cmd_ferretdb_resume() {
  [ -f "$EXTERNAL_MARK" ] && dompet_die "the database is external (MONGODB_URI); it is not ours to resume."
  ferret_signal CONT
  dompet_log "resumed FerretDB (pid $(cat "$FERRET_PIDFILE"), SIGCONT)"
}

cmd_wipe() {
  cmd_stop
  if [ -n "$PG_DATA" ] && [ -d "$PG_DATA" ]; then
    rm -rf "$PG_DATA"
    case "$PG_DATA" in /var/tmp/dompet-pg-*) rm -rf "$(dirname "$PG_DATA")" ;; esac
  fi
  rm -rf "$STATE/redis" "$STATE/ferretdb-state" "$STATE/postgres" \
    "$STATE/logs" "$ENV_FILE" "$CONF" "$EXTERNAL_MARK"
  dompet_log "wiped the data of $STATE"
}

case "$CMD" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) cmd_env ;;
  redis-stop) cmd_redis_stop ;;
  redis-start) cmd_redis_start ;;
  pg-stop) cmd_pg_stop ;;
  pg-start) cmd_pg_start ;;
  ferretdb-stop) cmd_ferretdb_stop ;;
  ferretdb-start) cmd_ferretdb_start ;;
  ferretdb-pause) cmd_ferretdb_pause ;;
  ferretdb-resume) cmd_ferretdb_resume ;;
  wipe) cmd_wipe ;;
esac
