"""Control of the throwaway PostgreSQL server that scripts/with_postgres.sh started (the test
suite's PostgreSQL pass, make soak): stop it, start it, make databases in it, refuse connections
to one of them."""

import os
import pwd
import shlex
import subprocess
from pathlib import Path


class ThrowawayPostgres:
    """The server of scripts/with_postgres.sh: its cluster is in $PGHOST/data and it was
    started with the options in postmaster.opts (the socket folder, no TCP). As root, it runs
    as the cluster's owner (initdb refuses root)."""

    def __init__(self):
        self.socket_dir = Path(os.environ.get("PGHOST") or "/nonexistent")
        self.data_dir = self.socket_dir / "data"
        opts = self.data_dir / "postmaster.opts"
        if not opts.exists():
            raise RuntimeError(
                "This needs the throwaway PostgreSQL of scripts/with_postgres.sh (PGHOST): it "
                "stops and restarts the server, which no shared database may be put through."
            )
        # postmaster.opts: the server binary and its arguments, each in double quotes.
        server, *args = shlex.split(opts.read_text())
        self.pg_ctl = str(Path(server).parent / "pg_ctl")
        self.options = shlex.join(_without_data_dir(args))

    def _pg_ctl(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", str(self.data_dir), *args]
        owner = self.data_dir.stat().st_uid
        if os.geteuid() == 0 and owner != 0:
            command = ["runuser", "-u", pwd.getpwuid(owner).pw_name, "--", *command]
        subprocess.run(command, cwd="/", check=True, capture_output=True, timeout=60)

    def stop(self) -> None:
        """Stop at once, as a crash or an operator would: every session is ended."""
        self._pg_ctl("-m", "fast", "-w", "stop")

    def start(self) -> None:
        """Start again and wait until it accepts connections."""
        log = self.socket_dir / "log"
        self._pg_ctl("-l", str(log), "-w", "-t", "60", "-o", self.options, "start")

    def restart(self) -> None:
        """Stop at once and start again with the same options (pg_ctl keeps them)."""
        log = self.socket_dir / "log"
        self._pg_ctl("-l", str(log), "-m", "fast", "-w", "-t", "60", "restart")

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database in the cluster, empty or a copy of `template`; its DATABASE_URL."""
        copy = f' TEMPLATE "{template}"' if template else ""
        self._sql(f'CREATE DATABASE "{name}"{copy}')
        return os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{name}"

    def drop_database(self, name: str) -> None:
        self._sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def allow_connections(self, name: str, allowed: bool) -> None:
        """Let one database of the cluster take connections, or make it unavailable on its own
        (its open sessions end too), while the server and the test suite's database go on."""
        self._sql(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            self._sql(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
            )

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(dbname="postgres", autocommit=True) as connection:
            connection.execute(statement)


def _without_data_dir(args: list[str]) -> list[str]:
    kept, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg == "-D":
            skip = True
        else:
            kept.append(arg)
    return kept
