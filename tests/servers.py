"""Servers that end-to-end tests start: the site served by gunicorn with gunicorn.conf.py, as
production serves it, from a database and folders of its own; visitors' requests to it over HTTP;
and control of the throwaway PostgreSQL server that scripts/with_postgres.sh started (the
PostgreSQL pass, make soak)."""

import os
import pwd
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_env(tmp: Path, database_url: str) -> dict:
    """The environment of a served site whose database, uploads and cache are its own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "faxeif.settings.test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "CACHE_DIR": str(tmp / "cache"),
    }


def manage(env: dict, *args: str) -> str:
    """Run a manage.py command for the served site; its standard output."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the site's server exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the site did not answer at {url} within {timeout} s")


def start_gunicorn(
    env: dict, workers: int = 2, ready_path: str = "/", **popen
) -> tuple[subprocess.Popen, str]:
    """gunicorn with gunicorn.conf.py on a free loopback port, once it answers ready_path (under
    the production settings: /healthz, the one address they do not redirect to https); its base
    URL."""
    port = free_port()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--log-level=warning",
        ],
        cwd=BASE_DIR,
        env=env,
        **popen,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url + ready_path, server)
    except RuntimeError:
        stop_gunicorn(server)
        raise
    return server, base_url


def stop_gunicorn(server: subprocess.Popen) -> None:
    server.terminate()
    server.wait(timeout=30)


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

    def create_database(self, name: str) -> str:
        """A new empty database in the cluster; its DATABASE_URL."""
        self._sql(f'CREATE DATABASE "{name}"')
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


@contextmanager
def site_database(tmp: Path):
    """A database of a served site's own, yielding its DATABASE_URL: a SQLite file in `tmp`, or
    on the PostgreSQL pass a new database in the throwaway server, dropped afterwards."""
    if not on_postgres():
        yield f"sqlite:///{tmp / 'site.sqlite3'}"
        return
    server, name = ThrowawayPostgres(), f"site_{uuid.uuid4().hex[:8]}"
    url = server.create_database(name)
    try:
        yield url
    finally:
        server.drop_database(name)


# Visitors over HTTP, as a browser without JavaScript sends its requests.


@dataclass
class Answer:
    status: int
    headers: dict
    text: str
    seconds: float


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def http(url: str, data: dict | None = None, headers: dict | None = None) -> Answer:
    """One request (a POST when there is data), redirects not followed."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, body, headers or {})
    started = time.monotonic()
    try:
        with _opener.open(request, timeout=60) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    return Answer(status, answer_headers, raw.decode(errors="replace"), time.monotonic() - started)


CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CSRF_COOKIE = re.compile(r"csrftoken=([^;]+)")


class FormVisitor:
    """A visitor who has opened a form (so holds its CSRF cookie and token) and may post it."""

    def __init__(self, form_url: str):
        self.form_url = form_url
        form = http(form_url)
        assert form.status == 200, f"{form_url} answered {form.status}"
        self.cookie = CSRF_COOKIE.search(form.headers.get("Set-Cookie", "")).group(1)
        self.token = CSRF_TOKEN.search(form.text).group(1)

    def post(self, fields: dict) -> Answer:
        return http(
            self.form_url,
            {"csrfmiddlewaretoken": self.token, **fields},
            {"Cookie": f"csrftoken={self.cookie}", "Referer": self.form_url},
        )
