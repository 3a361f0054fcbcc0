"""Databases of served sites' own: a SQLite file, or a database in the throwaway PostgreSQL
server that scripts/with_postgres.sh started (the PostgreSQL pass, make soak), empty or a copy of
the seeded site; and control of that server (stop, start, refuse connections)."""

import atexit
import os
import pwd
import shlex
import shutil
import sqlite3
import subprocess
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from tests.support.processes import seed_site, site_env


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

    def create_database(self, name: str, seeded: bool = False) -> str:
        """A new database in the cluster, empty or a copy of the seeded site; its DATABASE_URL."""
        template = f' TEMPLATE "{seeded_template().rsplit("/", 1)[1]}"' if seeded else ""
        self._sql(f'CREATE DATABASE "{name}"{template}')
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


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


_seeded_template: str | None = None


def seeded_template() -> str:
    """The DATABASE_URL of a site that `make run` would set up (migrated and seeded), built once
    per test run and then only copied: migrating takes about 10 s, a copy a fraction of one.
    Nothing serves it or writes to it after the seed."""
    global _seeded_template
    if _seeded_template is None:
        folder = Path(tempfile.mkdtemp(prefix="faxeif-seeded-"))
        atexit.register(shutil.rmtree, folder, True)
        if on_postgres():
            # The cluster is thrown away after the run, this database with it.
            url = ThrowawayPostgres().create_database(f"seeded_{uuid.uuid4().hex[:8]}")
        else:
            url = f"sqlite:///{folder / 'seeded.sqlite3'}"
        seed_site(site_env(folder, url))
        _seeded_template = url
    return _seeded_template


def seeded_sqlite_file(path: Path) -> str:
    """A copy of the seeded site in a new SQLite file at `path`; its DATABASE_URL."""
    source = sqlite3.connect(seeded_template().removeprefix("sqlite:///"))
    target = sqlite3.connect(path)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()
    return f"sqlite:///{path}"


@contextmanager
def site_database(tmp: Path, seeded: bool = False):
    """A database of a served site's own, empty or a copy of the seeded site, yielding its
    DATABASE_URL: a SQLite file in `tmp`, or on the PostgreSQL pass a new database in the
    throwaway server, dropped afterwards."""
    if not on_postgres():
        path = tmp / "site.sqlite3"
        yield seeded_sqlite_file(path) if seeded else f"sqlite:///{path}"
        return
    server, name = ThrowawayPostgres(), f"site_{uuid.uuid4().hex[:8]}"
    url = server.create_database(name, seeded=seeded)
    try:
        yield url
    finally:
        server.drop_database(name)


@contextmanager
def seeded_site(tmp: Path):
    """A served site's own database (see site_database), migrated and seeded; yields the
    environment to run the site with."""
    with site_database(tmp, seeded=True) as database_url:
        yield site_env(tmp, database_url)
