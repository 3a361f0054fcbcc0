"""A throwaway pgbouncer (Debian's, 1.18) in transaction pooling in front of a PostgreSQL server,
listening on a loopback port: the tests' (tests/test_pgbouncer.py) and the stack's.

    python scripts/throwaway_pgbouncer.py --upstream-host /tmp/faxeif-pg.XXXX [--port 6432]

runs it in the foreground until Ctrl-C and prints the DATABASE_URL of the database `faxeif`
through it (any database of the upstream server can be named in the URL). Its folder (a new
temporary one unless --folder) holds pgbouncer.ini, userlist.txt, the log and the pid file.

Clients are trusted (auth_type trust: loopback only, throwaway servers only); pgbouncer connects
upstream as the client's user, which the upstream server must trust too (scripts/with_postgres.sh
trusts local connections). pgbouncer refuses to run as root: as root it runs as the owner of the
upstream socket folder (`postgres`), and the folder is handed to that user.

The site through it needs DATABASE_TRANSACTION_POOLING=true (faxeif/settings/base.py).
"""

import argparse
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as `python scripts/throwaway_pgbouncer.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.served_site import free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"


class ThrowawayPgbouncer:
    def __init__(
        self,
        upstream_host: str,
        upstream_port: int = 5432,
        folder: Path | None = None,
        port: int | None = None,
        pool_size: int = 20,
        user: str = "postgres",
        round_robin: bool = False,
    ):
        self.upstream_host, self.upstream_port = upstream_host, upstream_port
        # A folder of its own under /tmp by default: as root, pgbouncer runs as another user, who
        # must reach the folder (a pytest tmp_path lies under folders only root may enter).
        self.own_folder = folder is None
        self.folder = folder or Path(tempfile.mkdtemp(prefix="faxeif-pgbouncer."))
        self.port = port or free_port()
        self.pool_size, self.user, self.round_robin = pool_size, user, round_robin
        self.process: subprocess.Popen | None = None

    @property
    def config(self) -> Path:
        return self.folder / "pgbouncer.ini"

    @property
    def log(self) -> Path:
        return self.folder / "pgbouncer.log"

    def database_url(self, name: str = "faxeif") -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def write_config(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / "userlist.txt").write_text(f'"{self.user}" ""\n')
        self.config.write_text(
            "[databases]\n"
            # Every database name the client asks for, on the upstream server.
            f"* = host={self.upstream_host} port={self.upstream_port}\n"
            "\n[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.port}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {self.folder / 'userlist.txt'}\n"
            # A server connection belongs to a client for one transaction only.
            "pool_mode = transaction\n"
            f"default_pool_size = {self.pool_size}\n"
            # Tests: each transaction on the next server connection in turn, so that state a
            # client leaves on a server connection (a cursor, a prepared statement) is missed.
            f"server_round_robin = {int(self.round_robin)}\n"
            # and the pool full from the start, so that there is a next connection.
            f"min_pool_size = {self.pool_size if self.round_robin else 0}\n"
            "max_client_conn = 500\n"
            f"logfile = {self.log}\n"
            f"pidfile = {self.folder / 'pgbouncer.pid'}\n"
            # psycopg sends none of these, but psql and others may.
            "ignore_startup_parameters = extra_float_digits,options\n"
        )

    def _run_as(self) -> dict:
        """As root: the Popen arguments to run as the upstream socket folder's owner, who gets
        this folder (pgbouncer writes its log and pid file there)."""
        if os.geteuid() != 0:
            return {}
        owner = os.stat(self.upstream_host).st_uid if os.path.isdir(self.upstream_host) else 0
        account = pwd.getpwuid(owner) if owner != 0 else pwd.getpwnam("postgres")
        for path in [self.folder, *self.folder.iterdir()]:
            os.chown(path, account.pw_uid, account.pw_gid)
        return {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}

    def start(self, timeout: float = 30) -> None:
        self.write_config()
        run_as = self._run_as()
        # -q: its log goes to the log file only; what it says before it opens it, to this file.
        with open(self.folder / "pgbouncer.out", "ab") as output:
            self.process = subprocess.Popen(
                [PGBOUNCER, "-q", str(self.config)],
                cwd="/",
                stdout=output,
                stderr=subprocess.STDOUT,
                **run_as,
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    log = "".join(
                        path.read_text()
                        for path in (self.folder / "pgbouncer.out", self.log)
                        if path.exists()
                    )
                    self.stop()
                    raise RuntimeError(f"pgbouncer did not start:\n{log}") from None
                time.sleep(0.1)

    def stop(self) -> None:
        """SIGINT: pgbouncer's immediate shutdown (SIGTERM would wait for every client). A
        folder of its own making is removed."""
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--upstream-host", default=os.environ.get("PGHOST"), required=False)
    parser.add_argument("--upstream-port", type=int, default=5432)
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--folder", type=Path, default=None)
    parser.add_argument("--database", default="faxeif")
    parser.add_argument("--pool-size", type=int, default=20)
    args = parser.parse_args()
    if not args.upstream_host:
        parser.error("--upstream-host (or PGHOST) is required")
    bouncer = ThrowawayPgbouncer(
        args.upstream_host, args.upstream_port, args.folder, args.port, args.pool_size
    )
    with bouncer:
        print(bouncer.database_url(args.database), flush=True)
        try:
            bouncer.process.wait()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
