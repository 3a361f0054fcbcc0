#!/usr/bin/env bash
# Run COMMAND against a throwaway PostgreSQL server that this script starts and removes again.
#
#   scripts/with_postgres.sh COMMAND [ARG...]
#
# The server lives in a fresh temporary folder, listens on a unix socket in that folder only (no
# TCP port, so it collides with nothing), trusts local connections and has one database, `faxeif`.
# COMMAND runs with these set in its environment:
#   DATABASE_URL  postgres://postgres@<socket folder, percent-encoded>/faxeif
#   PGHOST, PGUSER, PGDATABASE  the same, for psql and friends
#   PG_VERSION    server version, e.g. 15.14;  PG_MAJOR  e.g. 15
# The script exits with COMMAND's status. On every exit (success, failure, Ctrl-C) it stops the
# server and deletes the folder.
#
# Server binaries: $PG_BINDIR if set, else the highest /usr/lib/postgresql/*/bin, else
# `pg_config --bindir`. Without any: under CI=true an error (exit 1); otherwise a loud SKIPPED
# notice and exit 0, so a laptop without PostgreSQL can still run the SQLite tests.
# As root (CI), initdb refuses to run, so the server runs as the `postgres` user via runuser.
set -euo pipefail

DB_NAME=faxeif
DB_USER=postgres

say() { printf '%s\n' "$*" >&2; }

if [[ $# -eq 0 ]]; then
    say "usage: $0 COMMAND [ARG...]"
    exit 2
fi

has_server() { [[ -x "$1/initdb" && -x "$1/pg_ctl" && -x "$1/postgres" ]]; }

find_bindir() {
    if [[ -n "${PG_BINDIR:-}" ]]; then
        has_server "$PG_BINDIR" && { printf '%s\n' "$PG_BINDIR"; return 0; }
        say "PG_BINDIR=$PG_BINDIR has no initdb/pg_ctl/postgres"
        return 1
    fi
    local dir
    # Highest major version first (sort -V: 9.6 < 15 < 16).
    while IFS= read -r dir; do
        has_server "$dir" && { printf '%s\n' "$dir"; return 0; }
    done < <(compgen -G '/usr/lib/postgresql/*/bin' | sort -rV)
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        [[ -n "$dir" ]] && has_server "$dir" && { printf '%s\n' "$dir"; return 0; }
    fi
    return 1
}

if ! BINDIR=$(find_bindir); then
    if [[ "${CI:-}" == "true" ]]; then
        say "ERROR: PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and"
        say "       pg_config --bindir). CI must test on PostgreSQL: install Debian's 'postgresql'."
        exit 1
    fi
    say ""
    say "########################################################################"
    say "## SKIPPED: PostgreSQL not installed - the PostgreSQL pass did NOT run."
    say "## Install it (Debian: apt-get install postgresql) to run it locally."
    say "########################################################################"
    say ""
    exit 0
fi

# Run a server binary as the cluster owner: ourselves, or `postgres` when we are root.
if [[ $(id -u) -eq 0 ]]; then
    if ! id -u "$DB_USER" >/dev/null 2>&1; then
        say "ERROR: running as root, but there is no '$DB_USER' user to run the server as."
        exit 1
    fi
    as_owner() { (cd / && runuser -u "$DB_USER" -- "$@"); }
else
    as_owner() { (cd / && "$@"); }
fi

# Short fixed prefix: a unix socket path may not exceed ~107 bytes.
TMP_DIR=$(mktemp -d /tmp/faxeif-pg.XXXXXX)
DATA_DIR="$TMP_DIR/data"
LOG_FILE="$TMP_DIR/log"

cleanup() {
    local status=$?
    trap - EXIT INT TERM HUP
    # postmaster.pid exists while a server runs. (A Ctrl-C reaches the server too and may have
    # shut it down already; then there is nothing left to stop.)
    if [[ -e "$DATA_DIR/postmaster.pid" ]]; then
        as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 ||
            as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 10 stop >/dev/null 2>&1 ||
            [[ ! -e "$DATA_DIR/postmaster.pid" ]] ||
            say "WARNING: could not stop the PostgreSQL server in $DATA_DIR"
    fi
    rm -rf "$TMP_DIR"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# mktemp makes the folder 0700 and owned by us; as root hand it to the server's user, who must be
# able to write the cluster and the socket into it (root can still reach it; nobody else can).
if [[ $(id -u) -eq 0 ]]; then
    chown "$DB_USER:" "$TMP_DIR"
fi

fail_with_log() {
    say "ERROR: $1"
    [[ -f "$LOG_FILE" ]] && { say "---- $LOG_FILE ----"; cat "$LOG_FILE" >&2; }
    exit 1
}

if ! out=$(as_owner "$BINDIR/initdb" -D "$DATA_DIR" -A trust -U "$DB_USER" -E UTF8 --no-locale --no-sync 2>&1); then
    say "$out"
    fail_with_log "initdb failed"
fi

as_owner "$BINDIR/pg_ctl" -D "$DATA_DIR" -l "$LOG_FILE" -w -t 60 \
    -o "-k $TMP_DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || fail_with_log "pg_ctl start failed"

PSQL=("$BINDIR/psql" -h "$TMP_DIR" -U "$DB_USER" -X -q -v ON_ERROR_STOP=1)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE $DB_NAME" >/dev/null ||
    fail_with_log "could not create database $DB_NAME"

PG_VERSION=$("${PSQL[@]}" -d "$DB_NAME" -At -c "SHOW server_version")
PG_VERSION=${PG_VERSION%% *}   # Debian appends " (Debian 15.14-0+deb12u1)"
PG_MAJOR=${PG_VERSION%%.*}

# libpq and dj-database-url both read a percent-encoded socket folder as the host.
ENCODED_DIR=${TMP_DIR//\//%2F}
export DATABASE_URL="postgres://$DB_USER@$ENCODED_DIR/$DB_NAME"
export PGHOST="$TMP_DIR" PGUSER="$DB_USER" PGDATABASE="$DB_NAME"
export PG_VERSION PG_MAJOR

say "PostgreSQL $PG_VERSION ($BINDIR) running on socket $TMP_DIR, database $DB_NAME"

set +e
"$@"
status=$?
set -e
exit "$status"
