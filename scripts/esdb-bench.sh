#!/usr/bin/env bash
# Append latency of the EventStoreDB adapter against the EventStoreDB protocol emulator (bench/esdb-append.bench.ts):
# builds, starts an emulator (scripts/esdb-emulator.sh; OPTIONs go to it, e.g. --no-projections), runs the benchmark
# against it and stops it. The emulator answers from memory, so the figures are the adapter's and the client's share
# of an append; against a real EventStoreDB set EVENTSTORE_CONNECTION_STRING and run dist/bench/esdb-append.bench.js.
#
#   bash scripts/esdb-bench.sh [OPTION…]          BENCH_SECONDS=3 per scenario by default
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh

npm run --silent build
WORK="$(mktemp -d "${TMPDIR:-/tmp}/esdb-bench.XXXXXX")"
trap 'bash scripts/esdb-emulator.sh stop "$WORK"; rm -rf "$WORK"' EXIT
connection="$(bash scripts/esdb-emulator.sh start "$WORK" "$@")"
EVENTSTORE_CONNECTION_STRING="$connection" node dist/bench/esdb-append.bench.js
