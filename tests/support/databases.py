"""Databases of served sites' own: a SQLite file, or a database in the throwaway PostgreSQL
server that scripts/with_postgres.sh started (the PostgreSQL pass, make soak), empty or a copy of
the seeded site; and control of that server (stop, start, refuse connections)."""

import atexit
import fcntl
import os
import shutil
import sqlite3
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from scripts import throwaway_postgres
from tests.support.processes import seed_site, site_env


class ThrowawayPostgres(throwaway_postgres.ThrowawayPostgres):
    def create_database(self, name: str, seeded: bool = False) -> str:
        """A new database in the cluster, empty or a copy of the seeded site; its DATABASE_URL."""
        template = seeded_template().rsplit("/", 1)[1] if seeded else None
        return super().create_database(name, template)


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


_seeded_template: str | None = None


def seeded_template() -> str:
    """The DATABASE_URL of a site that `make run` would set up (migrated and seeded), built once
    per test run and then only copied: migrating takes about 10 s, a copy a fraction of one.
    Nothing serves it or writes to it after the seed."""
    global _seeded_template
    if _seeded_template is None:
        if on_postgres():
            # The cluster is thrown away after the run, this database with it.
            url = ThrowawayPostgres().create_database(f"seeded_{uuid.uuid4().hex[:8]}")
            seed_site(site_env(_throwaway_folder(), url))
        else:
            shared = os.environ.get("SEEDED_SQLITE_TEMPLATE")
            path = Path(shared) if shared else _throwaway_folder() / "seeded.sqlite3"
            url = _sqlite_template(path)
        _seeded_template = url
    return _seeded_template


def _throwaway_folder() -> Path:
    """A temporary folder, removed when the test run ends."""
    folder = Path(tempfile.mkdtemp(prefix="faxeif-seeded-"))
    atexit.register(shutil.rmtree, folder, True)
    return folder


def _sqlite_template(path: Path) -> str:
    """The seeded SQLite file at `path`, built if it is not there yet. The test processes of one
    run may share it (make test's SQLite pass and its browser checks: SEEDED_SQLITE_TEMPLATE):
    the first to come builds it while the others wait, under a lock, and it appears under its
    name only when complete."""
    with open(path.with_name(path.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            building = path.with_name(path.name + ".building")
            building.unlink(missing_ok=True)
            seed_site(site_env(_throwaway_folder(), f"sqlite:///{building}"))
            building.rename(path)
    return f"sqlite:///{path}"


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
