#!/usr/bin/env bash
# Runs one command with Node.js 24 first on PATH (see ensure-node.sh). Used by every npm script.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
# kafkajs 2.2.4 sets a negative timeout once per process on Node 24 (tulios/kafkajs#1751): harmless, hidden.
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"
exec "$@"
