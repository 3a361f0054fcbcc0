#!/usr/bin/env bash
# make soak: scripts/soak/soak.py on a throwaway PostgreSQL that scripts/with_postgres.sh starts
# and removes again. PostgreSQL is required (the soak restarts it); so is wrk (Debian: wrk).
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PY:-.venv/bin/python}
command -v wrk >/dev/null || { echo "make soak needs wrk (Debian: apt-get install wrk)" >&2; exit 1; }
# CI=true: with_postgres.sh fails, rather than skips, when PostgreSQL is not installed.
exec env CI=true bash scripts/with_postgres.sh "$PY" scripts/soak/soak.py "$@"
