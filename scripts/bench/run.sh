#!/usr/bin/env bash
# make bench: run scripts/bench/bench.py on a throwaway database.
#
#   scripts/bench/run.sh [--json FILE]
#
# PostgreSQL when its server binaries are installed (scripts/with_postgres.sh starts a server in
# a temporary folder and stops it on every exit), else SQLite in a temporary file. BENCH_DB=sqlite
# or BENCH_DB=postgres forces one. Any DATABASE_URL in the environment is never used: the bench
# builds a site of 1,000 pages and must not do that in a real database.
set -euo pipefail
cd "$(dirname "$0")/../.."

PY=${PY:-.venv/bin/python}

# The same search as scripts/with_postgres.sh, which skips (exit 0, without running anything) when
# it finds no server.
has_postgres() {
    local dir
    if [[ -n "${PG_BINDIR:-}" ]]; then
        [[ -x "$PG_BINDIR/initdb" ]]
        return
    fi
    for dir in /usr/lib/postgresql/*/bin; do
        [[ -x "$dir/initdb" && -x "$dir/pg_ctl" && -x "$dir/postgres" ]] && return 0
    done
    dir=$(pg_config --bindir 2>/dev/null || true)
    [[ -n "$dir" && -x "$dir/initdb" ]]
}

db=${BENCH_DB:-auto}
if [[ "$db" == auto ]]; then
    if has_postgres; then db=postgres; else db=sqlite; fi
fi

case "$db" in
    postgres)
        exec bash scripts/with_postgres.sh "$PY" scripts/bench/bench.py --database env "$@"
        ;;
    sqlite)
        exec env -u DATABASE_URL "$PY" scripts/bench/bench.py --database sqlite "$@"
        ;;
    *)
        echo "BENCH_DB must be sqlite or postgres, not '$db'" >&2
        exit 2
        ;;
esac
