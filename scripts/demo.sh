#!/usr/bin/env bash
# Install, then ingest the bundled sample into the default SQLite store and show what came out.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/eventwire ingest samples/
echo
echo "First events:"
.venv/bin/eventwire events --limit 10
echo
echo "Dashboard and REST API: .venv/bin/eventwire serve, then open http://127.0.0.1:8000/ (Ctrl-C stops it)"
