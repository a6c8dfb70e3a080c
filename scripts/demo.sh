#!/usr/bin/env bash
# Install, then ingest the bundled sample into the default SQLite store and show what came out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/eventwire ingest samples/
echo
echo "First events:"
.venv/bin/eventwire events --limit 10
