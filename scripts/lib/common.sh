# Shared helpers for the Dompet local scripts. Source it; do not run it.
# shellcheck shell=bash

# All human-readable messages go to stderr so that stdout can carry
# `export NAME=value` lines that callers may `eval`.
dompet_log() { printf '[dompet] %s\n' "$*" >&2; }
dompet_warn() { printf '[dompet] warning: %s\n' "$*" >&2; }
dompet_die() { printf '[dompet] error: %s\n' "$*" >&2; exit 1; }

# Seconds since the epoch with millisecond precision (for phase timings).
dompet_now() { date +%s.%N; }
# dompet_elapsed START -> "12.3s"
dompet_elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1fs", e - s }'; }

dompet_is_root() { [ "$(id -u)" = "0" ]; }

DOMPET_APT_UPDATED="${DOMPET_APT_UPDATED:-0}"

# dompet_apt_install WHAT_FOR PACKAGE... : installs Debian packages when root,
# otherwise stops with one sentence telling what to install.
dompet_apt_install() {
  local what="$1"; shift
  if ! dompet_is_root; then
    dompet_die "$what is missing: install it with 'sudo apt-get install -y $*' and run this again."
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    dompet_die "$what is missing and this system has no apt-get: install the package(s) '$*' and run this again."
  fi
  local log; log="$(mktemp)"
  if [ "$DOMPET_APT_UPDATED" != "1" ]; then
    dompet_log "apt-get update (to install $*)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get update >"$log" 2>&1; then
      tail -n 20 "$log" >&2; rm -f "$log"
      dompet_die "'apt-get update' failed (output above); install $* by hand and run this again."
    fi
    DOMPET_APT_UPDATED=1
    export DOMPET_APT_UPDATED
  fi
  dompet_log "apt-get install -y $*"
  # Keep Debian from starting the packages' own system-wide services
  # (redis on 6379, a postgres cluster on 5432): we run private ones.
  local policy=/usr/sbin/policy-rc.d own_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && own_policy=1
  fi
  local rc=0
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "$@" >"$log" 2>&1 || rc=$?
  [ "$own_policy" = "1" ] && rm -f "$policy"
  if [ "$rc" != "0" ]; then
    tail -n 20 "$log" >&2; rm -f "$log"
    dompet_die "'apt-get install -y $*' failed (output above)."
  fi
  rm -f "$log"
}

# Prints a free TCP port on 127.0.0.1.
dompet_free_port() {
  if command -v node >/dev/null 2>&1; then
    node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close();});"
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c "import socket;s=socket.socket();s.bind(('127.0.0.1',0));print(s.getsockname()[1]);s.close()"
  else
    dompet_die "neither node nor python3 is available to pick a free port."
  fi
}

# dompet_port_open PORT : true when something accepts TCP connections there.
dompet_port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") >/dev/null 2>&1
}

# dompet_port_free PORT : true when nothing listens there and we may bind it.
dompet_port_free() {
  ! dompet_port_open "$1"
}

# dompet_pid_alive PIDFILE NAME : true when the pid in PIDFILE is running and
# its command line mentions NAME (guards against recycled pids).
dompet_pid_alive() {
  local pidfile="$1" name="$2" pid
  [ -s "$pidfile" ] || return 1
  pid="$(head -n1 "$pidfile" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [ -r "/proc/$pid/cmdline" ]; then
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$name" || return 1
  fi
  return 0
}

# dompet_stop_pid PIDFILE NAME LABEL [TIMEOUT]: SIGTERM, wait, SIGKILL.
dompet_stop_pid() {
  local pidfile="$1" name="$2" label="$3" timeout="${4:-15}" pid i
  if ! dompet_pid_alive "$pidfile" "$name"; then
    rm -f "$pidfile"
    return 0
  fi
  pid="$(head -n1 "$pidfile")"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    dompet_warn "$label (pid $pid) did not stop within ${timeout}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$pidfile"
  dompet_log "stopped $label (pid $pid)"
}

# dompet_log_tail FILE [LINES]: shows the end of a log on stderr.
dompet_log_tail() {
  local f="$1" n="${2:-30}"
  if [ -s "$f" ]; then
    printf '[dompet] ---- last %s lines of %s ----\n' "$n" "$f" >&2
    tail -n "$n" "$f" >&2
    printf '[dompet] ----\n' >&2
  fi
}
