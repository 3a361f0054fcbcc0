"""The servers the bench starts, each in a session of its own and stopped with its whole process
group on every exit: gunicorn serving the site or the bare WSGI reference (bare_wsgi.py), through
scripts/served_site.py, and nginx serving the reference's bytes as a static file."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

from scripts import served_site
from scripts.bench.commands import BenchError, run
from scripts.served_site import BASE_DIR, GUNICORN, GUNICORN_CONF, NotServing, free_port
from scripts.throwaway_nginx import nginx_command

REFERENCE_PATH = "/baggrund/"  # whose bytes the bare WSGI app and nginx serve
# What the TLS-terminating front server adds to every request in production; without it the
# production settings redirect plain http to https.
FRONT_SERVER_HEADER = ("X-Forwarded-Proto", "https")
# Headers that gunicorn writes itself (or that belong to one connection), not the app.
SERVER_HEADERS = {"date", "server", "connection", "content-length", "transfer-encoding"}


def in_a_session(log_file) -> dict:
    """Popen's arguments for a server in a session of its own (a process group that stop() ends
    whole) whose output goes to log_file."""
    return {
        "stdin": subprocess.DEVNULL,
        "stdout": log_file,
        "stderr": subprocess.STDOUT,
        "start_new_session": True,
    }


def tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(errors="replace").splitlines()[-lines:]
    return "\n".join(f"  | {line}" for line in text)


class Server:
    """A server process in a session of its own, stopped with its whole process group."""

    running: list[Server] = []

    def __init__(self, name: str, proc: subprocess.Popen, log: Path):
        self.name, self.proc, self.log = name, proc, log
        Server.running.append(self)

    @classmethod
    def start(cls, name: str, cmd: list[str], env: dict, log: Path, cwd: Path = BASE_DIR):
        with open(log, "wb") as output:
            return cls(name, subprocess.Popen(cmd, env=env, cwd=cwd, **in_a_session(output)), log)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, url: str, timeout: float = 60) -> None:
        headers = dict([FRONT_SERVER_HEADER])
        try:
            served_site.wait_until_serving(url, self.proc, timeout, headers, self.name)
        except NotServing as e:
            raise BenchError(f"{e}\n{tail(self.log)}") from e

    def stop(self, timeout: float = 35) -> None:
        if self in Server.running:
            Server.running.remove(self)
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Anything the group left behind (a worker that outlived its master).
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    @classmethod
    def stop_all(cls) -> None:
        for server in list(cls.running):
            server.stop()


def run_script(name: str, work) -> int:
    """Run work() (bench, tune, soak) and return its exit status: 1 with the message when it
    fails (BenchError), 130 when interrupted; every server it started is stopped on any exit."""

    def interrupted(signum, frame):
        raise KeyboardInterrupt(signal.Signals(signum).name)

    # SIGINT too: a shell may start the script with SIGINT ignored (a background job).
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, interrupted)
    try:
        return work()
    except BenchError as e:
        print(f"\n{name}: ERROR: {e}", file=sys.stderr, flush=True)
        return 1
    except KeyboardInterrupt as e:
        print(f"\n{name}: interrupted {e}", file=sys.stderr, flush=True)
        return 130
    finally:
        Server.stop_all()


# ---------------------------------------------------------------- gunicorn


def gunicorn_config(env: dict, app: str = "faxeif.wsgi:application") -> dict:
    out = run(
        [str(GUNICORN), "-c", str(GUNICORN_CONF), "--print-config", app],
        env,
        "gunicorn --print-config",
        timeout=60,
    )
    config = {}
    for line in out.splitlines():
        m = re.match(r"^(\w+)\s+= (.*)$", line)
        if m:
            config[m.group(1)] = m.group(2).strip()
    return config


def start_gunicorn(name: str, app: str, env: dict, tmp: Path) -> tuple[Server, str]:
    """gunicorn with gunicorn.conf.py serving `app`, once it answers /; its base URL. No worker
    options on the command line: gunicorn.conf.py's (and tune.py's GUNICORN_CMD_ARGS) apply."""
    log = tmp / f"{name}.log"
    headers = dict([FRONT_SERVER_HEADER])
    with open(log, "wb") as output:
        try:
            proc, base = served_site.start_gunicorn(
                env, app, headers=headers, name=name, **in_a_session(output)
            )
        except NotServing as e:
            raise BenchError(f"{e}\n{tail(log)}") from e
    return Server(name, proc, log), base


def reference_env(tmp: Path, headers: dict, body: bytes) -> dict:
    """The environment for bare_wsgi.py: the cached page's body and the headers the site sent
    with it (security policy, HSTS, ETag, ...), so the reference answers the same bytes."""
    (tmp / "reference.html").write_bytes(body)
    own = [[name, value] for name, value in headers.items() if name.lower() not in SERVER_HEADERS]
    (tmp / "reference-headers.json").write_text(json.dumps(own))
    return {
        "BENCH_BARE_BODY": str(tmp / "reference.html"),
        "BENCH_BARE_HEADERS": str(tmp / "reference-headers.json"),
    }


# ---------------------------------------------------------------- nginx

REFERENCE_SITE = """\
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    types {{ text/html html; }}
    default_type text/html;
    charset utf-8;
    server {{
        listen 127.0.0.1:{port};
        root {folder}/www;
        index index.html;
    }}
"""


def start_nginx(tmp: Path, body: bytes) -> tuple[Server, str]:
    page = tmp / "www" / REFERENCE_PATH.strip("/") / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(body)
    port = free_port()
    command = nginx_command(tmp, REFERENCE_SITE.format(port=port, folder=tmp))
    server = Server.start("nginx", command, dict(os.environ), tmp / "nginx.log", cwd=tmp)
    base = f"http://127.0.0.1:{port}"
    server.wait_ready(base + REFERENCE_PATH, timeout=20)
    return server, base
