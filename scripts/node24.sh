#!/usr/bin/env bash
# Runs one command with Node.js 24 first on PATH (see ensure-node.sh). Used by every npm script.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/ensure-node.sh"
exec "$@"
