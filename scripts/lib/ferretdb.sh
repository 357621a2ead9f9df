# Locates or builds the FerretDB binary. Source it after common.sh.
# shellcheck shell=bash

DOMPET_FERRETDB_VERSIONS=(v1.24.2 v1.24.1 v1.24.0)
# Applied to FerretDB's source before it is built (see the patch's header). Its name is part of the
# cached binary's folder, so a binary built without it is never reused.
DOMPET_FERRETDB_PATCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/ferretdb-1.24-release-reads.patch"
DOMPET_FERRETDB_BUILD_TAG="release-reads"

dompet_ferretdb_cache_root() {
  printf '%s/dompet' "${XDG_CACHE_HOME:-$HOME/.cache}"
}

# dompet_ferretdb_dir VERSION : the folder of the patched build of FerretDB VERSION (binary and build log).
dompet_ferretdb_dir() {
  printf '%s/ferretdb-%s-%s' "$(dompet_ferretdb_cache_root)" "$1" "$DOMPET_FERRETDB_BUILD_TAG"
}

dompet_find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return 0; fi
  local g
  for g in /usr/local/go/bin/go "$HOME/go/bin/go" /usr/lib/go/bin/go; do
    [ -x "$g" ] && { printf '%s' "$g"; return 0; }
  done
  return 1
}

# dompet_build_ferretdb VERSION OUT : builds FerretDB VERSION into OUT.
dompet_build_ferretdb() {
  local version="$1" out="$2" gobin tmp dir log
  gobin="$(dompet_find_go)" || return 2
  tmp="$(mktemp -d "${TMPDIR:-/tmp}/dompet-ferretdb-build.XXXXXX")"
  log="$(dirname "$out")/build.log"
  mkdir -p "$(dirname "$out")"
  : >"$log"
  (
    set -e
    cd "$tmp"
    printf 'module fbuild\n\ngo 1.24\n' >go.mod
    dir="$(GOFLAGS=-mod=mod "$gobin" mod download -json "github.com/FerretDB/FerretDB@$version" |
      sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)"
    if [ -z "$dir" ] || [ ! -d "$dir" ]; then
      GOFLAGS=-mod=mod "$gobin" get "github.com/FerretDB/FerretDB@$version"
      dir="$("$gobin" list -m -f '{{.Dir}}' "github.com/FerretDB/FerretDB")"
    fi
    [ -d "$dir" ] || { echo "module source directory not found"; exit 1; }
    cp -r "$dir" src
    chmod -R u+w src
    if command -v git >/dev/null 2>&1; then
      (cd src && git apply "$DOMPET_FERRETDB_PATCH")
    else
      (cd src && patch -p1 <"$DOMPET_FERRETDB_PATCH")
    fi
    mkdir -p src/build/version
    printf '%s\n' "$version" >src/build/version/version.txt
    cd src
    "$gobin" build -trimpath -o "$out.tmp" ./cmd/ferretdb
    mv "$out.tmp" "$out"
  ) >>"$log" 2>&1
  local rc=$?
  rm -rf "$tmp"
  return $rc
}

# dompet_ensure_ferretdb : sets DOMPET_FERRETDB_BIN, building it when needed.
dompet_ensure_ferretdb() {
  if [ -n "${FERRETDB_BIN:-}" ]; then
    [ -x "$FERRETDB_BIN" ] || dompet_die "FERRETDB_BIN=$FERRETDB_BIN is not an executable file."
    DOMPET_FERRETDB_BIN="$FERRETDB_BIN"
    return 0
  fi
  local root v bin start
  root="$(dompet_ferretdb_cache_root)"
  for v in "${DOMPET_FERRETDB_VERSIONS[@]}"; do
    bin="$(dompet_ferretdb_dir "$v")/ferretdb"
    if [ -x "$bin" ]; then DOMPET_FERRETDB_BIN="$bin"; return 0; fi
  done
  if ! dompet_find_go >/dev/null; then
    dompet_die "FerretDB is not built yet and Go (>= 1.24) is missing: install Go from go.dev or set FERRETDB_BIN to a FerretDB 1.24 binary."
  fi
  mkdir -p "$root"
  # Only one build at a time per cache (parallel runs wait for each other).
  exec 9>"$root/.build.lock"
  if command -v flock >/dev/null 2>&1; then flock 9; fi
  for v in "${DOMPET_FERRETDB_VERSIONS[@]}"; do
    bin="$(dompet_ferretdb_dir "$v")/ferretdb"
    if [ -x "$bin" ]; then DOMPET_FERRETDB_BIN="$bin"; exec 9>&-; return 0; fi
  done
  for v in "${DOMPET_FERRETDB_VERSIONS[@]}"; do
    bin="$(dompet_ferretdb_dir "$v")/ferretdb"
    start="$(dompet_now)"
    dompet_log "building FerretDB $v into $bin (one time; takes one to a few minutes)"
    if dompet_build_ferretdb "$v" "$bin"; then
      dompet_log "built FerretDB $v in $(dompet_elapsed "$start")"
      DOMPET_FERRETDB_BIN="$bin"
      exec 9>&-
      return 0
    fi
    dompet_warn "building FerretDB $v failed (log: $(dompet_ferretdb_dir "$v")/build.log)"
    dompet_log_tail "$(dompet_ferretdb_dir "$v")/build.log" 15
  done
  exec 9>&-
  dompet_die "could not build FerretDB ${DOMPET_FERRETDB_VERSIONS[*]}; see the build logs under $root."
}
