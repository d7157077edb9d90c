#!/usr/bin/env bash
# Starts and stops a throw-away real EventStoreDB (Docker, in-memory database, insecure single node) with the same
# interface as scripts/esdb-emulator.sh, so that scripts/esdb-suites.sh runs the same suites against the real server
# before a release: ESDB_SERVER=docker bash scripts/esdb-suites.sh (docker/README.md).
#
#   scripts/esdb-docker.sh available              exit 0 when Docker answers, else print why not (exit 3)
#   scripts/esdb-docker.sh start DIR [OPTION…]    start a container on a free local port, wait until it is live,
#                                                 print its connection string; DIR keeps the container's name.
#                                                 --no-projections: RUN_PROJECTIONS=None (a bare `docker run`);
#                                                 default System + standard projections, as docker/compose.yml
#   scripts/esdb-docker.sh stop DIR               remove the container (its data is gone: --mem-db)
#
# Environment: ESDB_IMAGE (default eventstore/eventstore:24.10, the version docker/compose.yml runs),
# ESDB_START_TIMEOUT (seconds, default 90).
set -euo pipefail

IMAGE="${ESDB_IMAGE:-eventstore/eventstore:24.10}"
START_TIMEOUT="${ESDB_START_TIMEOUT:-90}"

log() { printf 'esdb-docker.sh: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

available() {
  if ! command -v docker >/dev/null || ! docker info >/dev/null 2>&1; then
    echo "Docker is not available (docker info failed)"
    return 3
  fi
}

start() {
  local dir="${1:?usage: esdb-docker.sh start DIR [OPTION…]}"
  shift
  local projections=System standard=true
  for option in "$@"; do
    case "$option" in
      --no-projections) projections=None standard=false ;;
      *) die "unknown option $option" ;;
    esac
  done
  local reason
  reason="$(available)" || die "$reason"
  mkdir -p "$dir"
  local name="policy-esdb-$$-$RANDOM"
  docker run --detach --rm --name "$name" --publish 127.0.0.1::2113 \
    --env EVENTSTORE_CLUSTER_SIZE=1 --env EVENTSTORE_INSECURE=true --env EVENTSTORE_MEM_DB=true \
    --env EVENTSTORE_RUN_PROJECTIONS="$projections" --env EVENTSTORE_START_STANDARD_PROJECTIONS="$standard" \
    "$IMAGE" >/dev/null
  echo "$name" >"$dir/container"
  local port
  port="$(docker port "$name" 2113/tcp | head -n 1 | sed 's/.*://')"
  local deadline=$((SECONDS + START_TIMEOUT))
  until node -e "fetch('http://127.0.0.1:$port/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; do
    ((SECONDS < deadline)) || {
      docker logs "$name" >&2 || true
      die "EventStoreDB ($IMAGE) was not live within ${START_TIMEOUT}s"
    }
    sleep 1
  done
  echo "esdb://127.0.0.1:$port?tls=false"
}

stop() {
  local dir="${1:?usage: esdb-docker.sh stop DIR}"
  [[ -f "$dir/container" ]] || return 0
  docker rm --force "$(cat "$dir/container")" >/dev/null 2>&1 || true
  rm -f "$dir/container"
}

case "${1:-}" in
  available) available ;;
  start) shift && start "$@" ;;
  stop) shift && stop "$@" ;;
  *) die "usage: esdb-docker.sh available | start DIR [OPTION…] | stop DIR" ;;
esac
