"""Scheduled jobs once per cluster: every app server may run the same timers (deploy/systemd/,
deploy/cron/), and when they fire at the same moment, one server runs a job and the others skip
that run.

On PostgreSQL the lock is a transaction-scoped advisory lock (pg_try_advisory_xact_lock), held
in a transaction of its own on a connection of its own for as long as the job runs: the job
itself keeps its own transactions (each publish, each reminder committed as it goes), and the
lock works through pgbouncer in transaction pooling, where a session-level lock would be taken
on one server connection and released on another. On SQLite (one machine: the database is a
file) it is an fcntl lock on a file beside the database file. The lock is released when the job
ends, however it ends; a process that dies releases it with its connection or file.
"""

import fcntl
import hashlib
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)


@contextmanager
def once_per_cluster(name: str) -> Iterator[bool]:
    """Whether this process holds the cluster's lock for `name` (held until the block ends);
    False when another process holds it now."""
    if connections[DEFAULT_DB_ALIAS].vendor == "postgresql":
        lock = _advisory_lock(name)
    else:
        lock = _file_lock(name)
    with lock as held:
        if not held:
            logger.info("%s runs on another server now; skipped here", name)
        yield held


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for the name (advisory locks are numbered)."""
    digest = hashlib.blake2b(f"faxeif.cluster:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock(name: str) -> Iterator[bool]:
    holder = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        holder.set_autocommit(False)
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [lock_key(name)])
            [held] = cursor.fetchone()
        yield held
    finally:
        try:
            holder.rollback()  # ends the transaction, and the lock with it
        finally:
            holder.close()


@contextmanager
def _file_lock(name: str) -> Iterator[bool]:
    with open(lock_file(name), "a") as file:
        try:
            fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(file, fcntl.LOCK_UN)


def lock_file(name: str) -> Path:
    """Beside the SQLite file, which is what the processes share (var/ for an in-memory one)."""
    database = str(connections[DEFAULT_DB_ALIAS].settings_dict["NAME"])
    if database == ":memory:" or database.startswith("file:"):
        folder = Path(settings.VAR_DIR)
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"faxeif-{name}.lock"
    path = Path(database)
    return path.with_name(f"{path.name}.{name}.lock")
