#!/usr/bin/env bash
# The EventStoreDB suites, run against the EventStoreDB protocol emulator (scripts/esdb-emulator.sh) — or, with
# ESDB_SERVER=docker, against throw-away real EventStoreDB containers (scripts/esdb-docker.sh; before a release) — in
# two server set-ups: with standard projections (the project's compose file: RUN_PROJECTIONS=System, their link
# events interleaved in $all) and without (--no-projections: a bare `docker run`, $all holds only what was written).
#
#   scripts/esdb-suites.sh [--projections | --no-projections]     default: both, one after the other
#
# Per set-up:
#   1. the adapter suites, on one emulator (they are parallel-safe: every run writes under its own stream prefix):
#      libs/eventstore-esdb (unit specs, the shared EventStore contract suite of libs/event-sourcing on the adapter,
#      the adapter's regression specs) and policyctl's EventStoreDB spec (rebuild keeps its exit code);
#   2. the policy-api e2e suites in EventStoreDB mode (E2E_EVENTSTORE_CONNECTION_STRING), each suite file with an
#      emulator of its own: the suites use fixed policy ids and assert exact report rows, i.e. they assume a store of
#      their own, as the embedded mode gives each a fresh data dir. Two suite files run at a time.
#
# Not run in EventStoreDB mode (see E2E_NOT_IN_ESDB_MODE below): suites that do not start the API through the e2e
# harness' store selection (they would only repeat their embedded run).
#
# Environment: ESDB_SERVER (emulator, the default, or docker), ESDB_EMULATOR_DIR (where the emulator is; see
# scripts/esdb-emulator.sh), ESDB_IMAGE (docker: the image, default eventstore/eventstore:24.10), ESDB_REQUIRED=1
# (fail instead of skipping when the server cannot be started), ESDB_E2E_JOBS (suite files at a time, default 2),
# READ_MODEL_TEST_URL (passed on: the PostgreSQL e2e suite runs in EventStoreDB mode too when it is set).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=scripts/ensure-node.sh
source scripts/ensure-node.sh

ADAPTER_SUITES=(libs/eventstore-esdb apps/policyctl/test/policyctl-eventstoredb.int.spec.ts)
# e2e suite files (libs/policy-app/test/*.e2e.spec.ts) left out of EventStoreDB mode, with the reason.
declare -A E2E_NOT_IN_ESDB_MODE=(
  [libs/policy-app/test/server-lifecycle.e2e.spec.ts]='starts the process entry on its own configuration (embedded store only)'
)
E2E_JOBS="${ESDB_E2E_JOBS:-2}"
case "${ESDB_SERVER:-emulator}" in
  emulator) SERVER=scripts/esdb-emulator.sh ;;
  docker) SERVER=scripts/esdb-docker.sh ;;
  *)
    echo "ESDB_SERVER must be emulator or docker, got ${ESDB_SERVER}" >&2
    exit 2
    ;;
esac

modes=()
case "${1:-}" in
  '') modes=(projections no-projections) ;;
  --projections) modes=(projections) ;;
  --no-projections) modes=(no-projections) ;;
  *)
    echo "usage: scripts/esdb-suites.sh [--projections | --no-projections]" >&2
    exit 2
    ;;
esac

if ! reason="$(bash "$SERVER" available)"; then
  if [[ "${ESDB_REQUIRED:-}" == 1 ]]; then
    echo "EventStoreDB suites: ESDB_REQUIRED=1 but $reason" >&2
    exit 1
  fi
  echo "EventStoreDB suites skipped: $reason; they run when it is (ESDB_REQUIRED=1 makes this fail)."
  exit 0
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/esdb-suites.XXXXXX")"
cleanup() {
  for dir in "$WORK"/*/; do [[ -d "$dir" ]] && bash "$SERVER" stop "$dir"; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

e2e_suites=()
for suite in libs/policy-app/test/*.e2e.spec.ts; do
  [[ -n "${E2E_NOT_IN_ESDB_MODE[$suite]:-}" ]] && continue
  e2e_suites+=("$suite")
done

server_options() { [[ "$1" == no-projections ]] && echo --no-projections || true; }

# run_jest NAME ENV_VAR CONNECTION_STRING PATHS…: jest with its JSON results in $WORK/NAME.json, output in NAME.log.
run_jest() {
  local name="$1" variable="$2" connection="$3"
  shift 3
  env "$variable=$connection" bash scripts/node24.sh npx jest -w 1 --json --outputFile="$WORK/$name.json" "$@" \
    >"$WORK/$name.log" 2>&1
}

# One e2e suite file on a server of its own.
run_e2e_suite() {
  local mode="$1" suite="$2" name connection status=0
  name="$mode.e2e.$(basename "$suite" .e2e.spec.ts)"
  # shellcheck disable=SC2046
  if ! connection="$(bash "$SERVER" start "$WORK/$name.server" $(server_options "$mode") 2>"$WORK/$name.log")"; then
    echo "could not start an EventStoreDB server for $suite" >>"$WORK/$name.log"
    return 1
  fi
  run_jest "$name" E2E_EVENTSTORE_CONNECTION_STRING "$connection" "$suite" || status=$?
  bash "$SERVER" stop "$WORK/$name.server"
  return "$status"
}

failed=0
for mode in "${modes[@]}"; do
  printf '\n--- EventStoreDB (%s), %s ---\n' "${ESDB_SERVER:-emulator}" "${mode/-/ }"
  started=$SECONDS

  # shellcheck disable=SC2046
  connection="$(bash "$SERVER" start "$WORK/$mode.adapter.server" $(server_options "$mode"))"
  echo "adapter suites against $connection: ${ADAPTER_SUITES[*]}"
  if ! run_jest "$mode.adapter" EVENTSTORE_CONNECTION_STRING "$connection" "${ADAPTER_SUITES[@]}"; then
    cat "$WORK/$mode.adapter.log"
    failed=1
  fi
  bash "$SERVER" stop "$WORK/$mode.adapter.server"

  echo "policy-api e2e suites in EventStoreDB mode (one server each, $E2E_JOBS at a time): ${#e2e_suites[@]} files"
  for suite in "${!E2E_NOT_IN_ESDB_MODE[@]}"; do echo "  not in this mode: $suite (${E2E_NOT_IN_ESDB_MODE[$suite]})"; done
  declare -A running=()
  for suite in "${e2e_suites[@]}"; do
    while ((${#running[@]} >= E2E_JOBS)); do
      wait -n || true
      for pid in "${!running[@]}"; do kill -0 "$pid" 2>/dev/null || unset "running[$pid]"; done
    done
    run_e2e_suite "$mode" "$suite" &
    running[$!]="$suite"
  done
  wait || true
  unset running
  for suite in "${e2e_suites[@]}"; do
    name="$mode.e2e.$(basename "$suite" .e2e.spec.ts)"
    if ! node -e 'process.exit(require(process.argv[1]).success ? 0 : 1)' "$WORK/$name.json" 2>/dev/null; then
      cat "$WORK/$name.log" 2>/dev/null || echo "$suite: no results"
      failed=1
    fi
  done

  node - "$mode" "$((SECONDS - started))" "$WORK" "${ESDB_SERVER:-emulator}" <<'EOF'
const { readdirSync, readFileSync } = require('node:fs');
const { relative } = require('node:path');
const [mode, seconds, work, server] = process.argv.slice(2);
const results = (prefix) =>
  readdirSync(work)
    .filter((file) => file.startsWith(prefix) && file.endsWith('.json'))
    .map((file) => JSON.parse(readFileSync(`${work}/${file}`, 'utf8')));
const totals = (runs) => {
  const sum = { files: 0, failedFiles: 0, passed: 0, failed: 0, skipped: 0 };
  for (const run of runs) {
    sum.files += run.numTotalTestSuites;
    sum.failedFiles += run.numFailedTestSuites + run.numRuntimeErrorTestSuites;
    sum.passed += run.numPassedTests;
    sum.failed += run.numFailedTests;
    sum.skipped += run.numPendingTests + run.numTodoTests;
  }
  return `${sum.files} suites (${sum.failedFiles} failed), tests ${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`;
};
const e2e = results(`${mode}.e2e.`);
console.log(`\nEventStoreDB (${server}), ${mode.replace("-", " ")} (${seconds} s):`);
console.log(`  adapter: ${totals(results(`${mode}.adapter`))}`);
console.log(`  e2e:     ${totals(e2e)}`);
for (const suite of e2e.flatMap((run) => run.testResults)) {
  const count = (status) => suite.assertionResults.filter((test) => test.status === status).length;
  const secs = ((suite.endTime - suite.startTime) / 1000).toFixed(1).padStart(5);
  const file = relative(process.cwd(), suite.name);
  const verdict = { passed: 'PASS', failed: 'FAIL', pending: 'SKIP', skipped: 'SKIP' }[suite.status] ?? suite.status;
  console.log(`    ${verdict} ${secs} s  ${file} (${count('passed')} passed, ${count('failed')} failed, ${count('pending')} skipped)`);
}
EOF
done
exit "$failed"
