#!/usr/bin/env bash
# make test's passes, side by side: much of a pass waits on the servers, browsers and databases it
# starts, so running them together costs little more wall time than the longest of them.
#
#   PYTEST="python -m pytest" PYTEST_ARGS="..." scripts/test_passes.sh
#
# - SQLite: the suite without DATABASE_URL, in the foreground. Without PYTEST_ARGS its browser
#   checks (tests/browser/) and the checks of make's own commands (make run, make test), which
#   mostly wait on the servers and browsers they start, run in a process of their own, with test
#   folders of their own: the foreground pass was the longest by a minute.
# - PostgreSQL: the suite against the throwaway server of scripts/with_postgres.sh. (In two
#   processes on two servers it took longer: the two cores then run four busy processes, and
#   each slows the others down by more than it takes off the longest.)
# The background passes write to $TEST_LOG_DIR/test-*.log (default var/), printed after the
# foreground pass in this order.
# Every pass always runs; the exit status is 1 when any failed. Ctrl-C stops them all.
set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
read -r -a pytest <<<"${PYTEST:?PYTEST names the pytest command}"
eval "args=(${PYTEST_ARGS:-})" # as a shell reads them: make test PYTEST_ARGS='-k "a or b"'

log_dir="${TEST_LOG_DIR:-var}"
mkdir -p "$log_dir"

# The SQLite pass and its browser checks start from one seeded site, built by whichever needs it
# first (tests/support/databases.py): migrating takes seconds of CPU that the other passes need.
shared=$(mktemp -d "${TMPDIR:-/tmp}/faxeif-test-passes.XXXXXX")
trap 'rm -rf "$shared"' EXIT
export SEEDED_SQLITE_TEMPLATE="$shared/seeded.sqlite3"

pids=() logs=()
in_background() { # NAME COMMAND...: run COMMAND with its output in $log_dir/test-NAME.log
    local log="$log_dir/test-$1.log"
    shift
    # A process group of its own: Ctrl-C reaches only the foreground pass, and stop_all can end
    # each background pass with everything it started.
    setsid "$@" >"$log" 2>&1 &
    pids+=($!) logs+=("$log")
}
stop_all() {
    for pid in "${pids[@]}"; do
        kill -TERM -- "-$pid" 2>/dev/null
    done
    wait
    exit 130
}
trap stop_all INT TERM

sqlite_args=("${args[@]}")
if ((${#args[@]} == 0)); then
    apart=(tests/browser tests/test_make_run.py tests/test_make_test.py)
    in_background browser env -u DATABASE_URL \
        CACHE_DIR=var/test-cache-browser MEDIA_ROOT=var/test-media-browser \
        bash -c 'echo "== Browser checks and make'"'"'s own on SQLite =="; exec "$@"' browser \
        "${pytest[@]}" -p no:cacheprovider "${apart[@]}"
    sqlite_args=("${apart[@]/#/--ignore=}")
fi

in_background postgresql bash scripts/with_postgres.sh \
    bash -c 'echo "== Tests on PostgreSQL $PG_MAJOR =="; exec "$@"' with_postgres \
    "${pytest[@]}" -p no:cacheprovider "${args[@]}"

echo ""
echo "== Tests on SQLite (the other passes alongside, their output after) =="
failed=()
env -u DATABASE_URL "${pytest[@]}" "${sqlite_args[@]}" || failed+=("SQLite (exit $?)")

for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || failed+=("${logs[$i]} (exit $?)")
done
for log in "${logs[@]}"; do
    echo ""
    cat "$log"
done

if ((${#failed[@]})); then
    echo "" >&2
    echo "== FAILED: ${failed[*]} ==" >&2
    exit 1
fi
