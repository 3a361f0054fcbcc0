"""`make bench`: the site's throughput and latency in its production configuration.

Builds a throwaway site (migrate, seed_content, then generate_site.py: 1,000 more pages and 200
images) on the database it is given, collects static files, serves it with gunicorn and
gunicorn.conf.py under faxeif.settings.production (bench_settings.py: the same, with uploads in
the run's temporary folder), and measures each page with wrk on loopback twice:

  uncached  with `Cookie: sessionid=bench`, which the page cache lets through to Django;
  cached    anonymous, after one request that fills the cache (the response's X-Cache is shown).

Beside them, two references that serve the Baggrund page's bytes: a bare WSGI app (bare_wsgi.py)
under the same gunicorn settings, and nginx serving them as a static file. Then it prints a table,
the gunicorn workers' peak resident memory and PASS/FAIL for each target.

Exit status: 0 when the run completed, whatever the targets say; 1 when something broke (a
command failed, a server did not start, a page answered with an error). Every server it starts is
stopped on every exit. Run it through scripts/bench/run.sh (make bench), which picks the database.

Tunables (environment): BENCH_DURATION (s per wrk run, 10), BENCH_WARMUP (s, 2),
BENCH_CONNECTIONS (8), BENCH_THREADS (wrk threads, 2), BENCH_RETRIES (how often to repeat a run
that other processes disturbed, 1), BENCH_SECTIONS (20), BENCH_CHILDREN (50), BENCH_IMAGES (200),
BENCH_KEEP=1 (keep the temporary folder), and gunicorn.conf.py's own
(WEB_CONCURRENCY, GUNICORN_THREADS, ...).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
BASE_DIR = BENCH_DIR.parents[1]
VENV_BIN = Path(sys.executable).parent
GUNICORN = VENV_BIN / "gunicorn"

# The pages measured: (label, path). A path of None prints a row of "n/a" (a page that does not
# exist yet); any other path is measured like the rest. The search looks for a word that the
# seed content and most generated pages hold, so it finds many pages (paginated results).
SECTION_PATH = "/bench-sektion-01/"
SEARCH_PATH = "/soeg/?q=" + urllib.parse.quote("fællesskab")
PAGES: list[tuple[str, str | None]] = [
    ("Forside", "/"),
    ("Baggrund", "/baggrund/"),
    ("Faser (oversigt)", "/faser/"),
    ("Sektion, 50 undersider", SECTION_PATH),
    ("Søgning", SEARCH_PATH),
]
REFERENCE_PATH = "/baggrund/"  # whose bytes the bare WSGI app and nginx serve
UNCACHED_HEADER = "Cookie: sessionid=bench"
# What the TLS-terminating front server adds to every request in production; without it the
# production settings redirect plain http to https.
FRONT_SERVER_HEADER = ("X-Forwarded-Proto", "https")

# The targets (from the issue).
TARGET_CACHED_VS_BARE = 0.75
TARGET_CACHED_VS_UNCACHED = 15.0
TARGET_UNCACHED_P99_MS = 150.0
TARGET_WORKER_MB = 150.0


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


DURATION = env_int("BENCH_DURATION", 10)
WARMUP = env_int("BENCH_WARMUP", 2)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 8)
WRK_THREADS = env_int("BENCH_THREADS", 2)
RETRIES = env_int("BENCH_RETRIES", 1)


class BenchError(Exception):
    """Something broke: the bench cannot give a trustworthy answer."""


def say(*args) -> None:
    print(*args, flush=True)


# ---------------------------------------------------------------- processes


class Server:
    """A server process in a session of its own, stopped with its whole process group."""

    running: list[Server] = []

    def __init__(self, name: str, cmd: list[str], env: dict, log: Path, cwd: Path = BASE_DIR):
        self.name, self.log = name, log
        self.log_file = open(log, "wb")
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        Server.running.append(self)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def wait_ready(self, url: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BenchError(f"{self.name} exited with {self.proc.returncode}\n{self.tail()}")
            try:
                request = urllib.request.Request(url, headers=dict([FRONT_SERVER_HEADER]))
                with urllib.request.urlopen(request, timeout=30) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.URLError):
                time.sleep(0.2)
        raise BenchError(f"{self.name} did not answer at {url} within {timeout} s\n{self.tail()}")

    def tail(self, lines: int = 30) -> str:
        self.log_file.flush()
        text = self.log.read_text(errors="replace").splitlines()[-lines:]
        return "\n".join(f"  | {line}" for line in text)

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
        self.log_file.close()

    @classmethod
    def stop_all(cls) -> None:
        for server in list(cls.running):
            server.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(cmd: list[str], env: dict, what: str, timeout: float = 300) -> str:
    started = time.monotonic()
    try:
        done = subprocess.run(
            cmd, env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"{what} took longer than {timeout} s") from e
    if done.returncode != 0:
        raise BenchError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    say(f"  {what}: {time.monotonic() - started:.1f} s")
    return done.stdout


# ---------------------------------------------------------------- HTTP and wrk


def fetch(url: str, uncached: bool = False) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=dict([FRONT_SERVER_HEADER]))
    if uncached:
        name, value = UNCACHED_HEADER.split(": ", 1)
        request.add_header(name, value)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as e:
        return e.code, dict(e.headers), e.read()
    except OSError as e:
        raise BenchError(f"GET {url}: {e}") from e


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int = 0
    socket_errors: dict = field(default_factory=dict)
    # CPUs' worth of time that processes other than the bench's used during the run: this
    # machine's other work, which the figures then share the CPUs with.
    other_cpu: float = 0.0
    # CPU time the server's processes spent per request: unlike requests/s, barely changed by
    # other work on the machine.
    server_cpu_ms: float = 0.0

    @property
    def problems(self) -> str:
        errors = {k: v for k, v in self.socket_errors.items() if v}
        parts = [f"{self.non_2xx} non-2xx/3xx"] if self.non_2xx else []
        parts += [f"{v} {k} errors" for k, v in errors.items()]
        return ", ".join(parts)


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output: str) -> WrkResult:
    def latency(pct: str) -> float:
        m = re.search(rf"^\s*{pct}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if not m:
            raise BenchError(f"no {pct}% latency in wrk's output:\n{output}")
        return float(m.group(1)) * UNITS_MS[m.group(2)]

    rps = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    count = re.search(r"^\s*(\d+) requests in ", output, re.M)
    if not rps or not count:
        raise BenchError(f"cannot read wrk's output:\n{output}")
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sock = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkResult(
        rps=float(rps.group(1)),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(count.group(1)),
        non_2xx=int(non_2xx.group(1)) if non_2xx else 0,
        socket_errors=dict(
            zip(("connect", "read", "write", "timeout"), map(int, sock.groups()), strict=True)
        )
        if sock
        else {},
    )


def wrk(
    url: str, duration: int, uncached: bool = False, connections: int = CONNECTIONS
) -> WrkResult:
    cmd = ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{duration}s"]
    # A request slower than this is not recorded; 30 s records any page that answers at all.
    cmd += ["--latency", "--timeout", "30s", "-H", ": ".join(FRONT_SERVER_HEADER)]
    if uncached:
        cmd += ["-H", UNCACHED_HEADER]
    cmd.append(url)
    meter = OtherCpu()
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 30)
    except subprocess.TimeoutExpired as e:
        raise BenchError(f"wrk on {url} did not finish") from e
    other_cpu = meter.stop()
    if done.returncode != 0:
        raise BenchError(f"wrk on {url} failed ({done.returncode}): {done.stderr}")
    result = parse_wrk(done.stdout)
    result.other_cpu = other_cpu
    result.server_cpu_ms = meter.server_seconds * 1000 / max(result.requests, 1)
    if result.requests == 0:
        raise BenchError(f"wrk on {url}: no request completed\n{done.stdout}")
    if result.non_2xx:
        raise BenchError(f"wrk on {url}: {result.non_2xx} responses were errors\n{done.stdout}")
    return result


def measure(url: str, uncached: bool, retries: int = RETRIES) -> WrkResult:
    """A short unrecorded warm-up (every worker has rendered the page and holds its database
    connection), then the measured run. A run during which other processes took CPU time is
    repeated (up to RETRIES times, after a pause) and the quietest run is kept."""
    if WARMUP:
        wrk(url, WARMUP, uncached)
    result = latest = wrk(url, DURATION, uncached)
    for _ in range(retries):
        if result.other_cpu < NOISY_CPU:
            break
        say(f"  (other processes used {latest.other_cpu:.2f} CPUs: measuring {url} again)")
        time.sleep(5)
        latest = wrk(url, DURATION, uncached)
        result = min(result, latest, key=lambda r: r.other_cpu)
    kind = "uncached " if uncached else "anonymous"
    note = f"  ({result.problems})" if result.problems else ""
    if result.other_cpu >= NOISY_CPU:
        note += f"  [other processes used {result.other_cpu:.2f} CPUs meanwhile]"
    say(
        f"  {kind} {url:<28} {result.rps:9.1f} req/s  p50 {result.p50_ms:7.2f} ms  "
        f"p99 {result.p99_ms:7.2f} ms  server CPU {result.server_cpu_ms:5.2f} ms/req{note}"
    )
    return result


# ---------------------------------------------------------------- other load on the machine

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# Other processes using this much CPU during a run make its figures doubtful.
NOISY_CPU = 0.1


def busy_ticks() -> int:
    """Time the CPUs spent running processes: user, nice and system (not interrupts, whose
    loopback network work belongs to no process)."""
    user, nice, system = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:4]
    return int(user) + int(nice) + int(system)


def group_ticks(groups: set[int]) -> int:
    """CPU time of every process in these process groups or with one of these ids as its parent,
    with their reaped children's. (PostgreSQL's backends each lead a process group of their own;
    their parent is the postmaster.)"""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) in groups or int(fields[1]) in groups:
            total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total


def own_seconds() -> float:
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


# What serves requests besides the bench's own servers: the PostgreSQL server (its postmaster,
# which leads a process group, and its backends, the postmaster's children).
SERVING_GROUPS: set[int] = set()


def postgres_group() -> int | None:
    """The throwaway PostgreSQL's postmaster, found through its postmaster.pid
    (scripts/with_postgres.sh keeps the cluster in PGHOST/data)."""
    try:
        pid = int((Path(os.environ["PGHOST"]) / "data" / "postmaster.pid").read_text().split()[0])
        return os.getpgid(pid)
    except (KeyError, OSError, ValueError, IndexError):
        return None


class OtherCpu:
    """How many CPUs' worth of time processes other than the bench's (its servers, the database
    server, wrk and itself) used between start and stop()."""

    def __init__(self):
        self.groups = {server.pid for server in Server.running} | SERVING_GROUPS
        self.started = time.monotonic()
        self.busy, self.ours, self.own = busy_ticks(), group_ticks(self.groups), own_seconds()

    def stop(self) -> float:
        elapsed = time.monotonic() - self.started
        busy = busy_ticks() - self.busy
        ours = group_ticks(self.groups) - self.ours
        own = (own_seconds() - self.own) * CLOCK_TICKS
        self.server_seconds = ours / CLOCK_TICKS
        return max(0.0, (busy - ours - own) / CLOCK_TICKS / elapsed)


# ---------------------------------------------------------------- memory


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in text.split()]
    except OSError:
        return []


def proc_status_kb(pid: int, field_name: str) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field_name + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def pss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


class WorkerMemory:
    """Samples the gunicorn master's workers twice a second while the benchmark runs, so that a
    worker recycled by max_requests is counted too; keeps each worker's peak (VmHWM)."""

    def __init__(self, master: int):
        self.master = master
        self.peak_kb: dict[int, int] = {}
        self.rss_kb: dict[int, int] = {}
        self.pss_kb: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def sample(self) -> None:
        for pid in children(self.master):
            hwm = proc_status_kb(pid, "VmHWM")
            if hwm is not None:
                self.peak_kb[pid] = max(hwm, self.peak_kb.get(pid, 0))
            rss = proc_status_kb(pid, "VmRSS")
            if rss is not None:
                self.rss_kb[pid] = rss
            pss = pss_kb(pid)
            if pss is not None:
                self.pss_kb[pid] = pss

    def _loop(self) -> None:
        while not self._stop.wait(0.5):
            self.sample()

    def stop(self) -> dict:
        self.sample()
        alive = children(self.master)
        self._stop.set()
        self._thread.join(timeout=5)
        return {
            "workers_at_end": len(alive),
            "workers_seen": len(self.peak_kb),
            "peak_mb": {pid: round(kb / 1024, 1) for pid, kb in self.peak_kb.items()},
            "rss_mb_at_end": {
                pid: round(self.rss_kb[pid] / 1024, 1) for pid in alive if pid in self.rss_kb
            },
            "pss_mb_at_end": {
                pid: round(self.pss_kb[pid] / 1024, 1) for pid in alive if pid in self.pss_kb
            },
            "master_peak_mb": round((proc_status_kb(self.master, "VmHWM") or 0) / 1024, 1),
        }


# ---------------------------------------------------------------- the site


def base_env(tmp: Path, database_url: str) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        # Not the project's cache or any Redis: the bench's cache lives in its own folder.
        if k not in ("REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=f"{BASE_DIR}{os.pathsep}{BENCH_DIR}",
        SECRET_KEY="bench-only-" + os.urandom(16).hex(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        BENCH_MEDIA_ROOT=str(tmp / "media"),
        BENCH_STATIC_ROOT=str(tmp / "static"),
        CACHE_DIR=str(tmp / "cache"),
        HOST="127.0.0.1",
    )
    return env


def prepare_site(env: dict) -> None:
    py = sys.executable
    run([py, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env, "migrate")
    run([py, "manage.py", "seed_content"], env, "seed_content")
    generate = [py, str(BENCH_DIR / "generate_site.py")]
    generate += ["--sections", str(env_int("BENCH_SECTIONS", 20))]
    generate += ["--children", str(env_int("BENCH_CHILDREN", 50))]
    generate += ["--images", str(env_int("BENCH_IMAGES", 200))]
    out = run(generate, env, "generate_site.py")
    say("   ", out.strip())
    run([py, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env, "collectstatic")


def gunicorn_config(env: dict, app: str = "faxeif.wsgi:application") -> dict:
    out = run(
        [str(GUNICORN), "-c", str(BASE_DIR / "gunicorn.conf.py"), "--print-config", app],
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
    port = free_port()
    server = Server(
        name,
        [str(GUNICORN), "-c", str(BASE_DIR / "gunicorn.conf.py"), app],
        {**env, "PORT": str(port)},
        tmp / f"{name}.log",
    )
    base = f"http://127.0.0.1:{port}"
    server.wait_ready(base + "/")
    return server, base


NGINX_CONF = """\
daemon off;
master_process on;
worker_processes auto;
{user}
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 65;
    types {{ text/html html; }}
    default_type text/html;
    charset utf-8;
    client_body_temp_path {tmp}/nginx-temp/body;
    proxy_temp_path {tmp}/nginx-temp/proxy;
    fastcgi_temp_path {tmp}/nginx-temp/fastcgi;
    uwsgi_temp_path {tmp}/nginx-temp/uwsgi;
    scgi_temp_path {tmp}/nginx-temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {tmp}/www;
        index index.html;
    }}
}}
"""


def start_nginx(tmp: Path, body: bytes) -> tuple[Server, str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    page = tmp / "www" / REFERENCE_PATH.strip("/") / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(body)
    (tmp / "nginx-temp").mkdir()
    port = free_port()
    conf = tmp / "nginx.conf"
    # As root nginx's workers would run as nobody, who cannot read the 0700 temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, tmp=tmp, port=port))
    server = Server(
        "nginx",
        [nginx, "-p", str(tmp), "-c", str(conf), "-e", str(tmp / "nginx-error.log")],
        dict(os.environ),
        tmp / "nginx.log",
        cwd=tmp,
    )
    base = f"http://127.0.0.1:{port}"
    server.wait_ready(base + REFERENCE_PATH, timeout=20)
    return server, base


# ---------------------------------------------------------------- the run


def bench(database: str) -> dict:
    if not shutil.which("wrk"):
        raise BenchError("wrk is not installed (Debian: apt-get install wrk nginx-light)")
    if not shutil.which("nginx") and not Path("/usr/sbin/nginx").exists():
        raise BenchError("nginx is not installed (Debian: apt-get install nginx-light)")

    keep = os.environ.get("BENCH_KEEP") == "1"
    tmp = Path(tempfile.mkdtemp(prefix="faxeif-bench."))
    started = time.monotonic()
    try:
        if database == "env":
            database_url = os.environ.get("DATABASE_URL", "")
            if not database_url.startswith(("postgres://", "postgresql://")):
                raise BenchError("--database env needs DATABASE_URL of a throwaway PostgreSQL")
            db_label = f"PostgreSQL {os.environ.get('PG_VERSION', '?')} (throwaway, unix socket)"
            if (group := postgres_group()) is not None:
                SERVING_GROUPS.add(group)
            else:
                say("  (PostgreSQL's processes not found: their CPU time counts as other load)")
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            db_label = "SQLite (temporary file)"
        env = base_env(tmp, database_url)
        results: dict = {
            "when": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "commit": git_commit(),
            "database": db_label,
            "cpus": os.cpu_count(),
            "wrk": {
                "threads": WRK_THREADS,
                "connections": CONNECTIONS,
                "duration_s": DURATION,
                "warmup_s": WARMUP,
            },
        }
        say(f"faxeif bench: {db_label}; temporary folder {tmp}")
        say("Preparing the site")
        prepare_site(env)
        results["gunicorn"] = gunicorn_config(env)

        say("Measuring the site (gunicorn, faxeif.settings.production)")
        app, base = start_gunicorn("gunicorn-site", "faxeif.wsgi:application", env, tmp)
        memory = WorkerMemory(app.pid)
        pages = []
        try:
            for label, path in PAGES:
                pages.append(measure_page(label, path, base))
            status, reference_headers, reference_body = fetch(base + REFERENCE_PATH)
            if status != 200:
                raise BenchError(f"GET {REFERENCE_PATH}: {status}")
        finally:
            results["memory"] = memory.stop()
            app.stop()
        results["pages"] = pages
        results["reference_bytes"] = len(reference_body)

        say("Measuring the references")
        bare, bare_base = start_gunicorn(
            "gunicorn-bare",
            "bare_wsgi:application",
            {**env, **reference_env(tmp, reference_headers, reference_body)},
            tmp,
        )
        bare_memory = WorkerMemory(bare.pid)
        try:
            results["bare_wsgi"] = asdict(measure(bare_base + REFERENCE_PATH, uncached=False))
        finally:
            results["bare_wsgi_memory"] = bare_memory.stop()
            bare.stop()
        nginx, nginx_base = start_nginx(tmp, reference_body)
        try:
            results["nginx"] = asdict(measure(nginx_base + REFERENCE_PATH, uncached=False))
        finally:
            nginx.stop()
        results["seconds"] = round(time.monotonic() - started)
        return results
    finally:
        Server.stop_all()
        if keep:
            say(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


# Headers that gunicorn writes itself (or that belong to one connection), not the app.
SERVER_HEADERS = {"date", "server", "connection", "content-length", "transfer-encoding"}


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


def measure_page(label: str, path: str | None, base: str) -> dict:
    """One page's row. A page that fails (an error status, no answer) gets an error in its row
    and the bench goes on to the next page; it exits non-zero at the end."""
    if path is None:
        return {"label": label, "path": None}
    try:
        return {"label": label, "path": path, **measure_runs(base + path, path)}
    except BenchError as e:
        say(f"  ERROR on {path}: {e}")
        return {"label": label, "path": path, "error": str(e)}


def measure_runs(url: str, path: str) -> dict:
    # Uncached: through Django every time. The first request renders any image renditions.
    status, headers, _ = fetch(url, uncached=True)
    if status != 200:
        raise BenchError(f"GET {path} with a session cookie: {status}")
    uncached_x_cache = headers.get("X-Cache", "-")
    uncached = measure(url, uncached=True)
    # Cached: one anonymous request fills the cache; the second says whether it is used.
    for _ in range(2):
        status, headers, _ = fetch(url)
        if status != 200:
            raise BenchError(f"GET {path}: {status}")
    x_cache = headers.get("X-Cache", "-")
    cache_control = headers.get("Cache-Control", "")
    cached = measure(url, uncached=False)
    after = fetch(url)[1].get("X-Cache", "-")
    return {
        "uncached": asdict(uncached),
        "uncached_x_cache": uncached_x_cache,
        "cached": asdict(cached),
        "x_cache": x_cache if x_cache == after else f"{x_cache}/{after}",
        # A page that tells caches not to keep it (the search) is not one the cache targets are
        # about.
        "cacheable": not any(w in cache_control for w in ("private", "no-cache", "no-store")),
        "cache_control": cache_control,
    }


def git_commit() -> str:
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=BASE_DIR, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
        ).stdout.strip()
        return commit + (" with uncommitted changes" if dirty else "")
    except OSError:
        return "?"


# ---------------------------------------------------------------- the report


def fmt(value: float | None, width: int, digits: int = 1) -> str:
    return f"{value:{width}.{digits}f}" if value is not None else f"{'n/a':>{width}}"


def report(results: dict) -> None:
    g = results["gunicorn"]
    wrk_conf = results["wrk"]
    bare = results["bare_wsgi"]
    nginx = results["nginx"]
    say("")
    say(f"faxeif bench, {results['when']}, commit {results['commit']}")
    say(f"  database: {results['database']}; {results['cpus']} CPUs; everything on loopback")
    say(
        f"  gunicorn.conf.py: {g.get('workers')} x {g.get('worker_class')} worker(s), "
        f"{g.get('threads')} thread(s), max_requests {g.get('max_requests')} "
        f"(+{g.get('max_requests_jitter')}), preload_app {g.get('preload_app')}"
    )
    say(
        f"  wrk: {wrk_conf['threads']} threads, {wrk_conf['connections']} connections, "
        f"{wrk_conf['duration_s']} s per run after {wrk_conf['warmup_s']} s of warm-up; "
        f"uncached = '{UNCACHED_HEADER}', cached = anonymous"
    )
    say("")
    # Per measured run: req/s, p50 and p99 latency, server CPU per request.
    cols = f"{'req/s':>8} {'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>6}"
    blank = f"{'':>8} {'':>7} {'':>7} {'':>6}"
    width = len(cols)

    def cells(run: dict | None) -> str:
        if run is None:
            return f"{'n/a':>8} {'n/a':>7} {'n/a':>7} {'n/a':>6}"
        return (
            f"{fmt(run['rps'], 8)} {fmt(run['p50_ms'], 7, 1)} {fmt(run['p99_ms'], 7, 1)} "
            f"{fmt(run['server_cpu_ms'], 6, 2)}"
        )

    say(
        f"{'page':<42}| {'uncached (session cookie)':^{width}} | {'cached (anonymous)':^{width}} "
        f"| {'X-Cache':<7} | {'cached/':>7} {'cached/':>8}"
    )
    say(f"{'':<42}| {cols} | {cols} | {'':<7} | {'bare':>7} {'uncached':>8}")
    rule = "-" * (42 + 2 * (width + 3) + 29)
    say(rule)
    for page in results["pages"]:
        if page["path"] is None:
            name = f"{page['label']} (no page yet)"
            say(f"{name:<42}| {cells(None)} | {cells(None)} | {'n/a':<7} | {'n/a':>7} {'n/a':>8}")
            continue
        if "error" in page:
            say(f"{page['path'] + ' ' + page['label']:<42}| ERROR: {page['error'].splitlines()[0]}")
            continue
        u, c = page["uncached"], page["cached"]
        name = f"{page['path']} {page['label']}"
        say(
            f"{name:<42}| {cells(u)} | {cells(c)} | {page['x_cache']:<7} "
            f"| {c['rps'] / bare['rps']:7.2f} {c['rps'] / u['rps']:8.1f}"
        )
    say(rule)
    ref = f"the {results['reference_bytes']:,} bytes of {REFERENCE_PATH}"
    say(f"{'bare WSGI app, same gunicorn':<42}| {blank} | {cells(bare)} | {ref}")
    say(f"{'nginx, static file':<42}| {blank} | {cells(nginx)} | same bytes, keep-alive")
    say(
        "CPU ms: CPU time per request of the processes serving it: gunicorn's master and workers "
        "plus the PostgreSQL server when on PostgreSQL, or nginx; wrk's own is not included."
    )
    mem = results["memory"]
    peaks = sorted(mem["peak_mb"].values(), reverse=True)
    say("")
    shown = peaks if len(peaks) <= 6 else [*peaks[:3], "...", *peaks[-2:]]
    say(
        f"gunicorn workers' peak resident memory (VmHWM): "
        f"{', '.join(mb if isinstance(mb, str) else f'{mb:.0f}' for mb in shown)} MB "
        f"({mem['workers_seen']} worker processes seen, {mem['workers_at_end']} at the end"
        + (
            ", the others recycled by max_requests"
            if mem["workers_seen"] > mem["workers_at_end"]
            else ""
        )
        + f"; master {mem['master_peak_mb']:.0f} MB)"
    )
    recycled = mem["workers_seen"] - mem["workers_at_end"]
    if recycled:
        say(
            f"  {recycled} workers were replaced during the runs (max_requests); a replacement "
            "shows as a p99 bump in the run it falls in."
        )
    if mem["rss_mb_at_end"]:

        def listed(values: dict) -> str:
            return ", ".join(f"{mb:.0f}" for mb in sorted(values.values(), reverse=True))

        say(
            f"  at the end: resident {listed(mem['rss_mb_at_end'])} MB; proportional (PSS, "
            f"shared pages split among the processes) {listed(mem['pss_mb_at_end'])} MB"
        )
    runs = [
        (f"{p['path']} {kind}", p[kind]["other_cpu"])
        for p in measured_pages(results)
        for kind in ("uncached", "cached")
    ]
    runs += [("bare WSGI", results["bare_wsgi"]["other_cpu"]), ("nginx", nginx["other_cpu"])]
    worst = max(runs, key=lambda run: run[1])
    say(
        f"Other processes on the machine used at most {worst[1]:.2f} CPUs during a run "
        f"({worst[0]})"
        + (
            "; the figures are doubtful: run again on a quiet machine."
            if worst[1] >= NOISY_CPU
            else "."
        )
    )
    measured = measured_pages(results)
    for page in measured:
        if not page["cacheable"]:
            say(
                f"NOTE: {page['path']} answers anonymous visitors with 'Cache-Control: "
                f"{page['cache_control']}': not cached by design; the cache targets leave it out."
            )
        elif page["x_cache"] != "HIT":
            say(
                f"NOTE: X-Cache was {page['x_cache']} for {page['path']}: its 'cached' column is "
                "uncached."
            )

    say("")
    say("Targets")
    checks = targets(results)
    for ok, text in checks:
        say(f"  {'PASS' if ok else 'FAIL'}  {text}")
    say("")
    say(f"Done in {results['seconds']} s.")


def memory_check(memory: dict) -> tuple[bool, str]:
    """The target is about the workers after the run (the issue's words): what they hold for
    good. The peak (VmHWM) is printed above; a worker that rendered image renditions peaks higher
    and gives the memory back (gunicorn.conf.py's malloc settings)."""
    at_end = sorted(memory["rss_mb_at_end"].values(), reverse=True)
    over = [mb for mb in at_end if mb > TARGET_WORKER_MB]
    text = (
        f"<= {TARGET_WORKER_MB:.0f} MB resident per worker after the run: "
        f"{', '.join(f'{mb:.0f}' for mb in at_end)} MB (peak during the run "
        f"{max(memory['peak_mb'].values()):.0f} MB)"
    )
    return bool(at_end) and not over, text


def measured_pages(results: dict) -> list[dict]:
    return [p for p in results["pages"] if p["path"] and "error" not in p]


def failed_pages(results: dict) -> list[dict]:
    return [p for p in results["pages"] if "error" in p]


def targets(results: dict) -> list[tuple[bool, str]]:
    measured = measured_pages(results)
    cacheable = [p for p in measured if p["cacheable"]]
    bare = results["bare_wsgi"]["rps"]

    def check(name: str, values: list[tuple[str, float, bool]], unit: str = "") -> tuple:
        text = ", ".join(f"{path} {value:.2f}{unit}" for path, value, _ in values)
        return all(ok for _, _, ok in values), f"{name}: {text}"

    return [
        check(
            f"cached >= {TARGET_CACHED_VS_BARE:.0%} of bare WSGI (cached/bare)",
            [
                (p["path"], r := p["cached"]["rps"] / bare, r >= TARGET_CACHED_VS_BARE)
                for p in cacheable
            ],
        ),
        check(
            f"cached >= {TARGET_CACHED_VS_UNCACHED:.0f}x uncached (cached/uncached)",
            [
                (
                    p["path"],
                    r := p["cached"]["rps"] / p["uncached"]["rps"],
                    r >= TARGET_CACHED_VS_UNCACHED,
                )
                for p in cacheable
            ],
            "x",
        ),
        check(
            f"uncached p99 <= {TARGET_UNCACHED_P99_MS:.0f} ms at {results['wrk']['connections']} "
            "connections",
            [
                (p["path"], v := p["uncached"]["p99_ms"], v <= TARGET_UNCACHED_P99_MS)
                for p in measured
            ],
            " ms",
        ),
        memory_check(results["memory"]),
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database",
        choices=("sqlite", "env"),
        default="sqlite",
        help="sqlite: a temporary SQLite file (any DATABASE_URL is ignored); env: the "
        "throwaway PostgreSQL in DATABASE_URL (scripts/with_postgres.sh sets it)",
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    return run_script("bench", lambda: finish(bench(args.database), args.json))


def finish(results: dict, json_file: Path | None) -> int:
    report(results)
    if json_file:
        json_file.write_text(json.dumps(results, indent=2, default=str) + "\n")
    if failed := failed_pages(results):
        for page in failed:
            print(f"bench: ERROR on {page['path']}: {page['error']}", file=sys.stderr)
        return 1
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
