"""Django's SQLite backend, made fit for a site that serves many visitors from one file.

SQLite is the embedded default (`make run`), so it must take concurrent writers and fail fast
when the file is unusable:

- WAL journal: readers never wait for a writer, and a writer never waits for readers.
- Transactions begin IMMEDIATE (settings: `transaction_mode`): a transaction takes the write lock
  when it starts, so two that read first and then write queue up for the lock instead of one of
  them failing at once with "database is locked" (SQLite cannot wait for a lock upgrade).
- Two waits: a statement waits at most READ_WAIT for a lock (so a file held by another process
  answers the 503 page within a second), while a transaction waits up to WRITE_WAIT for its turn
  to write (twenty sign-ups at the same moment queue up, each taking milliseconds).
- The file is opened read-write, never created: a missing file is an outage, not a new empty
  site. Only the commands that set a database up create it (`create_database_file`).
"""

import sqlite3
from pathlib import Path

from django.db.backends.sqlite3 import base

READ_WAIT = 0.5
WRITE_WAIT = 5.0


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self):
        params = super().get_connection_params()
        params.setdefault("timeout", READ_WAIT)
        if not self.is_in_memory_db() and not str(params["database"]).startswith("file:"):
            # mode=rw: SQLite's own open flags, so the check and the open cannot race.
            params["database"] = f"{Path(params['database']).resolve().as_uri()}?mode=rw"
        return params

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        # Kept in the file once set; a restored copy may come without it.
        connection.execute("PRAGMA journal_mode = WAL")
        return connection

    def _start_transaction_under_autocommit(self):
        self.connection.execute(f"PRAGMA busy_timeout = {int(WRITE_WAIT * 1000)}")
        try:
            super()._start_transaction_under_autocommit()
        finally:
            self.connection.execute(f"PRAGMA busy_timeout = {int(READ_WAIT * 1000)}")


def create_database_file(connection) -> bool:
    """Create the SQLite file of this connection when it is missing (an empty file is an empty
    database); whether it did. For `migrate` and `restore` only."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return False
    path = Path(connection.settings_dict["NAME"])
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    sqlite3.connect(path).close()
    return True
