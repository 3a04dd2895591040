#!/usr/bin/env bash
# Removes leftovers of halb labs whose process died (namespaces named PREFIX-PID-TAG-HOST with a
# dead PID, the processes inside them, their /tmp work dirs). Labs of live processes are untouched,
# so this is safe while other test runs are going. Usage: scripts/lab-cleanup.sh [PREFIX]  (default hlab)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/src/lab/cleanup-main.js ]; then npx tsc -p tsconfig.json; fi
exec node dist/src/lab/cleanup-main.js "${1:-hlab}"
