#!/usr/bin/env bash
# Starts and stops the EventStoreDB protocol emulator (an in-memory server speaking the EventStoreDB 24.10 gRPC
# protocol, kept outside this repository) for the EventStoreDB suites. It is a test tool, not a database: where it
# and a real EventStoreDB could differ, the adapter follows the real server (docker/README.md runs the same suites
# against one before a release).
#
#   scripts/esdb-emulator.sh available              exit 0 when the emulator is there, else print why not (exit 3)
#   scripts/esdb-emulator.sh start DIR [OPTION…]    start one on a free port, wait until it listens, print its
#                                                   connection string (esdb://127.0.0.1:PORT?tls=false); DIR keeps
#                                                   its pid, address and log. OPTIONs go to the emulator, e.g.
#                                                   --no-projections (a server without standard projections)
#   scripts/esdb-emulator.sh stop DIR               stop it (SIGTERM; its summary goes to DIR/emulator.log)
#
# Environment: ESDB_EMULATOR_DIR (default ../shared/tools/esdb-emulator, relative to the repository root),
# ESDB_EMULATOR_START_TIMEOUT (seconds, default 30).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMULATOR_DIR="${ESDB_EMULATOR_DIR:-$ROOT/../shared/tools/esdb-emulator}"
START_TIMEOUT="${ESDB_EMULATOR_START_TIMEOUT:-30}"

log() { printf 'esdb-emulator.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

available() {
  if [[ ! -f "$EMULATOR_DIR/esdb-emulator.mjs" ]]; then
    echo "no EventStoreDB emulator at $EMULATOR_DIR (set ESDB_EMULATOR_DIR to its folder)"
    return 3
  fi
}

start() {
  local dir="${1:?usage: esdb-emulator.sh start DIR [OPTION…]}"
  shift
  local reason
  reason="$(available)" || die "$reason"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  [[ -f "$dir/emulator.pid" ]] && kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null && die "already running in $dir"
  rm -f "$dir/address" "$dir/emulator.pid"
  node "$EMULATOR_DIR/esdb-emulator.mjs" --port 0 --ready-file "$dir/address" --modules "$ROOT" "$@" \
    >"$dir/emulator.log" 2>&1 </dev/null &
  echo $! >"$dir/emulator.pid"
  local deadline=$((SECONDS + START_TIMEOUT))
  until [[ -s "$dir/address" ]]; do
    if ! kill -0 "$(cat "$dir/emulator.pid")" 2>/dev/null; then
      cat "$dir/emulator.log" >&2
      die "the emulator exited before listening"
    fi
    ((SECONDS < deadline)) || die "the emulator did not listen within ${START_TIMEOUT}s (log: $dir/emulator.log)"
    sleep 0.1
  done
  echo "esdb://$(cat "$dir/address")?tls=false"
}

stop() {
  local dir="${1:?usage: esdb-emulator.sh stop DIR}"
  [[ -f "$dir/emulator.pid" ]] || return 0
  local pid
  pid="$(cat "$dir/emulator.pid")"
  if kill -TERM "$pid" 2>/dev/null; then
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$dir/emulator.pid"
}

case "${1:-}" in
  available) available ;;
  start) shift && start "$@" ;;
  stop) shift && stop "$@" ;;
  *) die "usage: esdb-emulator.sh available | start DIR [OPTION…] | stop DIR" ;;
esac
