"""Servers that end-to-end tests start: the site served by gunicorn with gunicorn.conf.py, as
production serves it, or by `make run`, from a database and folders of its own; visitors'
requests to it over HTTP, slow ones too; the processes they leave; and control of the throwaway
PostgreSQL server that scripts/with_postgres.sh started (the PostgreSQL pass, make soak)."""

import atexit
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import sqlite3
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).parent / "gunicorn"


def require(condition: bool, what: str) -> None:
    """A missing browser or tool skips locally but fails under CI=true: CI must test it all."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run must install it", pytrace=False)
    pytest.skip(f"{what} is missing")


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


def seed_site(env: dict) -> None:
    """Give the served site's empty database its tables and the seed content, as make run does."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_content")


def shell_result(env: dict, code: str) -> str:
    """The last line that `code` prints, run by manage.py shell in the served site."""
    return manage(env, "shell", "-c", code).strip().splitlines()[-1]


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


def start_make_run(env: dict, log: Path) -> tuple[subprocess.Popen, str]:
    """`make run` as a developer types it, on a free loopback port, in a process group of its own
    (Ctrl-C in a terminal is SIGINT to the foreground group: `interrupt`); once the site
    answers, its base URL. Output goes to `log`. The virtualenv is the one running the tests:
    make is told not to reinstall it (-o), which it would if the requirements looked newer."""
    port = free_port()
    with open(log, "wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed", "run"],
            cwd=BASE_DIR,
            env={**env, "HOST": "127.0.0.1", "PORT": str(port)},
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base_url = f"http://127.0.0.1:{port}"
    try:
        # migrate, seed_content, ensure_admin and collectstatic come first.
        wait_until_serving(base_url + "/", process, timeout=300)
    except RuntimeError:
        kill_group(process)
        raise
    return process, base_url


def interrupt(process: subprocess.Popen, timeout: float = 60) -> int:
    """Ctrl-C: SIGINT to the process group that `process` leads; its exit status."""
    os.killpg(process.pid, signal.SIGINT)
    return process.wait(timeout=timeout)


def kill_group(process: subprocess.Popen) -> None:
    """Clean up after a failed test: SIGKILL to whatever is left of the process group."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait(timeout=30)


def running_processes() -> list[dict]:
    """Every process on the machine that has not exited: pid, parent, group, command line."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:  # gone meanwhile
            continue
        # pid (comm) state ppid pgrp ...; comm may hold spaces and parentheses.
        state, ppid, pgrp = text[text.rindex(")") + 2 :].split()[:3]
        if state != "Z":
            pid = int(stat.parent.name)
            found.append({"pid": pid, "ppid": int(ppid), "pgrp": int(pgrp), "command": command})
    return found


def wait_until_gone(pids, timeout: float = 10) -> list[int]:
    """Wait for these processes to exit; those still running after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        left = [p["pid"] for p in running_processes() if p["pid"] in set(pids)]
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


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


# Visitors over HTTP, as a browser without JavaScript sends its requests.


@dataclass
class Answer:
    status: int | None
    headers: dict
    text: str
    seconds: float


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects())


def http(
    url: str,
    data: dict | None = None,
    headers: dict | None = None,
    cookie: str = "",
    timeout: float = 60,
    context=None,
) -> Answer:
    """One visitor's request (a POST when there is data), redirects not followed. No answer
    within `timeout` seconds, or a refused connection, is status None."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    headers = {**(headers or {}), **({"Cookie": cookie} if cookie else {})}
    request = urllib.request.Request(url, body, headers)
    opener = _opener if context is None else _tls_opener(context)
    started = time.monotonic()
    try:
        with opener.open(request, timeout=timeout) as response:
            status, answer_headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, answer_headers, raw = error.code, error.headers, error.read()
    except (TimeoutError, urllib.error.URLError, ConnectionError):
        status, answer_headers, raw = None, {}, b""
    return Answer(status, answer_headers, raw.decode(errors="replace"), time.monotonic() - started)


def _tls_opener(context):
    return urllib.request.build_opener(_NoRedirects(), urllib.request.HTTPSHandler(context=context))


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


PROMPTLY = 2.0  # seconds: what a visitor beside slow clients may wait at the most


def ten_visitors(url: str, context=None) -> list[Answer]:
    """Ten visitors of a page, each waiting 5 s at the most: five get the cached copy, five
    (with a session cookie) have it rendered anew, so a worker must be free for them."""
    return [http(url, cookie=c, timeout=5, context=context) for c in ["", "sessionid=x"] * 5]


def assert_served_promptly(visits: list[Answer], text: str) -> None:
    assert [visit.status for visit in visits] == [200] * len(visits)  # None: no answer in time
    assert all(text in visit.text for visit in visits)
    slowest = max(visit.seconds for visit in visits)
    assert slowest < PROMPTLY, f"a visitor waited {slowest:.1f} s"


class SlowClients:
    """Connections that never finish their request, as a slow or hostile client holds them: `each`
    that send nothing, `each` that send their headers a byte every half second, and `each` that
    send their headers and then their body a byte every half second. With `tls`, all but the idle
    ones speak TLS (the idle ones never even start the handshake)."""

    def __init__(self, host: str, port: int, each: int = 3, tls=None):
        self.address, self.host, self.each, self.tls = (host, port), host, each, tls
        self.idle, self.trickling = [], []
        self._lock = threading.Lock()  # an SSL connection must not read and write at once
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._trickle, daemon=True)

    def __enter__(self):
        head = f"GET /baggrund/ HTTP/1.1\r\nHost: {self.host}\r\nX-Langsom: ".encode()
        # A form post from the site's own page with a CSRF cookie: Django reads the whole body
        # to find the form's token.
        origin = f"{'https' if self.tls else 'http'}://{self.host}"
        post = (
            f"POST /soeg/ HTTP/1.1\r\nHost: {self.host}\r\nContent-Length: 100000\r\n"
            f"Origin: {origin}\r\nCookie: csrftoken={'a' * 32}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n\r\n"
        ).encode()
        for _ in range(self.each):
            self.idle.append(socket.create_connection(self.address))
            self.trickling.append([self._connect(), head, b"a" * 100_000])  # headers never end
            self.trickling.append([self._connect(), post, b"q" * 100_000])
        for connection, start, _ in self.trickling:
            connection.sendall(start)
        for connection in self._connections():
            connection.setblocking(False)
        self._thread.start()
        return self

    def _connect(self):
        connection = socket.create_connection(self.address)
        if self.tls is not None:
            connection = self.tls.wrap_socket(connection, server_hostname=self.host)
        return connection

    def _connections(self):
        return [*self.idle, *(connection for connection, _, _ in self.trickling)]

    def _trickle(self):
        while not self._stop.wait(0.5):
            with self._lock:
                for entry in self.trickling:
                    connection, _, rest = entry
                    if rest:
                        try:
                            connection.send(rest[:1])
                            entry[2] = rest[1:]
                        except OSError:
                            entry[2] = b""  # the server closed it

    def waiting(self) -> dict:
        """How many connections of each kind the server still waits on: those on which it has
        neither answered nor closed."""

        def waited_on(connection) -> bool:
            try:
                connection.recv(1)
                return False  # an answer (an error page), or b"": closed
            except (BlockingIOError, ssl.SSLWantReadError):
                return True
            except OSError:
                return False

        with self._lock:
            return {
                "idle": sum(waited_on(c) for c in self.idle),
                "trickling": sum(waited_on(c) for c, _, _ in self.trickling),
            }

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        for connection in self._connections():
            connection.close()
