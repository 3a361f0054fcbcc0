"""The whole production stack on loopback, in one folder, seeded: `make stack` (this file run as a
script), and the tests in tests/stack/ (the `Stack` object).

    nginx (TLS, HTTP/2; deploy/nginx/faxeif.conf)
      -> Varnish (deploy/varnish/faxeif.vcl; backends written for this stack)
        -> two gunicorn app servers A and B (gunicorn.conf.py, faxeif.settings.production), each
           with the scheduled-jobs loop and a cache and media folder of its own (no shared disk)
          -> pgbouncer (transaction pooling) -> PostgreSQL
          -> Redis (the page cache), the S3 server (moto_server, uploads), a mail server
      /media/ -> the S3 bucket (nginx)
    the mail worker (deploy/systemd/faxeif-worker.service's command)

Every process runs in a session of its own, so Ctrl-C reaches only this script, which stops them
all in reverse order. The folder is temporary (removed at the end) unless STACK_DIR names one.
As root (CI), PostgreSQL and pgbouncer run as the `postgres` user (initdb and pgbouncer refuse
root) and Varnish drops to its own users as Debian's package does.
"""

import os
import pwd
import secrets
import shlex
import shutil
import signal
import socket
import socketserver
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

if __package__ in (None, ""):  # run as `python scripts/stack.py`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from scripts.served_site import BASE_DIR, free_port
from scripts.throwaway_nginx import nginx_command
from scripts.throwaway_pgbouncer import PGBOUNCER, ThrowawayPgbouncer
from scripts.throwaway_varnish import varnish_command

PG_BINDIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
NGINX_SITE = BASE_DIR / "deploy" / "nginx" / "faxeif.conf"
WORKER_UNIT = BASE_DIR / "deploy" / "systemd" / "faxeif-worker.service"
GUNICORN_UNIT = BASE_DIR / "deploy" / "systemd" / "faxeif-gunicorn@.service"
# Where the deploy files expect the site (deploy/systemd, deploy/nginx).
DEPLOY_DIR = "/srv/faxeif"
BUCKET = "faxeif-media"  # the name deploy/s3/media-bucket-policy.json gives
BUCKET_POLICY = BASE_DIR / "deploy" / "s3" / "media-bucket-policy.json"
S3_KEY = "faxeif-stack"
ADMIN_USER = "admin"
# Seconds between two runs of the scheduled jobs on each app server (production: a timer).
SCHEDULER_INTERVAL = 1
APP_WORKERS = 2


def unit_command(unit: Path) -> list[str]:
    """A systemd unit's ExecStart, with the repository where the unit expects the site."""
    [line] = [
        line.split("=", 1)[1]
        for line in unit.read_text().splitlines()
        if line.startswith("ExecStart=")
    ]
    return [arg.replace(DEPLOY_DIR, str(BASE_DIR)) for arg in shlex.split(line)]


class StackError(RuntimeError):
    """A component did not start."""


def wait_for(check, what: str, process: subprocess.Popen | None = None, timeout: float = 60):
    """Call `check` until it returns something true (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"{what}: exited with {process.returncode}")
        try:
            if result := check():
                return result
        except Exception:
            pass
        time.sleep(0.1)
    raise StackError(f"{what}: not ready within {timeout} s")


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def insecure_tls() -> ssl.SSLContext:
    """A visitor's TLS that trusts the stack's self-signed certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get_status(url: str, headers: dict | None = None, timeout: float = 5) -> int:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout, context=insecure_tls()) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def running_as_root() -> bool:
    return os.geteuid() == 0


class Component:
    """One process of the stack: started with `start()`, stopped with `stop()` (its whole session),
    killed at once with `kill()`. Its output goes to <folder>/<name>.log."""

    stop_signal = signal.SIGTERM

    def __init__(self, stack: "Stack", name: str):
        self.stack = stack
        self.name = name
        self.process: subprocess.Popen | None = None

    @property
    def log(self) -> Path:
        return self.stack.folder / f"{self.name}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict:
        return {"PATH": os.environ["PATH"], "LANG": "C.UTF-8"}

    def user(self) -> str | None:
        return None

    def ready(self) -> bool:
        return True

    def prepare(self) -> None:
        """Once, before the first start."""

    def start(self) -> None:
        if self.process is not None and self.process.poll() is None:
            return
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.command(),
                cwd=BASE_DIR,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches the stack only, which stops this
                user=self.user(),
                group=self.user() and pwd.getpwnam(self.user()).pw_gid,
                extra_groups=[] if self.user() else None,
            )
        try:
            wait_for(self.ready, f"{self.name} (log: {self.log})", self.process, timeout=120)
        except BaseException:
            self.kill()
            raise

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self, timeout: float = 30) -> None:
        if not self.running():
            return
        self._signal(self.stop_signal)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            return
        self._signal(signal.SIGKILL)  # whatever it left in its session

    def kill(self) -> None:
        """SIGKILL to the component's whole session (a master and its workers), as a crash."""
        if self.process is None:
            return
        self._signal(signal.SIGKILL)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            pass

    def _signal(self, number: int) -> None:
        try:
            os.killpg(self.process.pid, number)
        except (ProcessLookupError, PermissionError):
            pass


class Postgres(Component):
    stop_signal = signal.SIGINT  # PostgreSQL's fast shutdown

    def prepare(self):
        self.dir = self.stack.folder / "postgres"
        self.dir.mkdir()
        if not PG_BINDIRS:
            raise StackError("PostgreSQL is not installed (Debian: postgresql)")
        self.bindir = PG_BINDIRS[-1]
        if running_as_root():
            shutil.chown(self.dir, "postgres", "postgres")
        initdb = subprocess.run(
            [self.bindir / "initdb", "-D", self.dir / "data", "-A", "trust", "-U", "postgres"]
            + ["-E", "UTF8", "--no-locale", "--no-sync"],
            cwd="/",
            capture_output=True,
            text=True,
            user=self.user(),
        )
        if initdb.returncode:
            # As root: the postgres user must be able to reach the folder (STACK_DIR).
            raise StackError(f"initdb failed in {self.dir}:\n{initdb.stderr}")

    def user(self):
        return "postgres" if running_as_root() else None

    def command(self):
        return [
            str(self.bindir / "postgres"),
            "-D",
            str(self.dir / "data"),
            "-k",
            str(self.dir),
        ] + ["-c", "listen_addresses=", "-c", "fsync=off", "-c", "synchronous_commit=off"]

    def ready(self):
        return (self.dir / ".s.PGSQL.5432").exists() and self.psql("SELECT 1") == "1"

    def psql(self, sql: str, database: str = "postgres") -> str:
        out = subprocess.run(
            [self.bindir / "psql", "-h", self.dir, "-U", "postgres", "-d", database, "-XAtc", sql],
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip()

    @property
    def url(self) -> str:
        """Straight to the server over its socket (migrations; the tests' checks)."""
        return f"postgres://postgres@{str(self.dir).replace('/', '%2F')}/faxeif"


class Pgbouncer(Component):
    """scripts/throwaway_pgbouncer.py's configuration (transaction pooling, trusted loopback
    clients), run as a component of the stack."""

    def prepare(self):
        self.dir = self.stack.folder / "pgbouncer"
        self.bouncer = ThrowawayPgbouncer(str(self.stack.postgres.dir), folder=self.dir)
        self.bouncer.write_config()
        if running_as_root():
            for path in (self.dir, *self.dir.iterdir()):
                shutil.chown(path, "postgres", "postgres")

    def user(self):
        return "postgres" if running_as_root() else None

    def command(self):
        return [PGBOUNCER, str(self.bouncer.config)]

    def ready(self):
        return port_open(self.bouncer.port)

    @property
    def url(self) -> str:
        return self.bouncer.database_url("faxeif")


class Redis(Component):
    def prepare(self):
        self.dir = self.stack.folder / "redis"
        self.dir.mkdir()
        self.port = free_port()

    def command(self):
        return [shutil.which("redis-server") or "/usr/bin/redis-server", "--bind", "127.0.0.1"] + [
            "--port",
            str(self.port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.dir),
        ]

    def ready(self):
        return port_open(self.port)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"


class S3(Component):
    """moto_server, with the bucket (created again after a restart: moto keeps it in memory)."""

    def prepare(self):
        self.port = free_port()

    def command(self):
        return [
            str(Path(sys.executable).parent / "moto_server"),
            "-H",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]

    def env(self):
        return {**super().env(), "MOTO_ALLOW_NONEXISTENT_REGION": "true"}

    def ready(self):
        return port_open(self.port) and self.create_bucket()

    def create_bucket(self) -> bool:
        """The bucket, and deploy/s3/media-bucket-policy.json: nginx reads images unsigned."""
        import boto3

        s3 = boto3.client(
            "s3",
            endpoint_url=self.url,
            region_name="us-east-1",
            aws_access_key_id=S3_KEY,
            aws_secret_access_key=S3_KEY,
        )
        try:
            s3.create_bucket(Bucket=BUCKET)
        except s3.exceptions.BucketAlreadyOwnedByYou:
            pass
        s3.put_bucket_policy(Bucket=BUCKET, Policy=BUCKET_POLICY.read_text())
        return True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class AppServer(Component):
    """gunicorn with gunicorn.conf.py under the production settings, its scheduled-jobs loop
    (PUBLISH_SCHEDULED_EVERY), its access log in <folder>/<name>/access.log."""

    def prepare(self):
        self.dir = self.stack.folder / self.name
        (self.dir / "cache").mkdir(parents=True)
        (self.dir / "media").mkdir()
        self.port = free_port()
        self.access_log = self.dir / "access.log"

    def env(self):
        return {
            **self.stack.app_env(self.name),
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "PUBLISH_SCHEDULED_EVERY": str(SCHEDULER_INTERVAL),
        }

    def command(self):
        """deploy/systemd/faxeif-gunicorn@.service's command (which binds HOST:PORT), with
        fewer workers and an access log to count requests by."""
        return [
            *unit_command(GUNICORN_UNIT),
            f"--workers={APP_WORKERS}",
            f"--access-logfile={self.access_log}",
        ]

    def ready(self):
        return get_status(self.url + "/healthz") == 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def requests_logged(self) -> int:
        """Requests the server has answered (lines of its access log), but Varnish's probes."""
        try:
            lines = self.access_log.read_text().splitlines()
        except FileNotFoundError:
            return 0
        return sum('"GET /healthz ' not in line for line in lines)


class MailWorker(Component):
    """The command of deploy/systemd/faxeif-worker.service, in app server A's environment."""

    def command(self):
        return unit_command(WORKER_UNIT)

    def env(self):
        return self.stack.app_env("app-a")


class Varnish(Component):
    """varnishd with deploy/varnish/faxeif.vcl as scripts/throwaway_varnish.py runs it: the
    example's backends file rewritten for the stack's two app servers."""

    def prepare(self):
        self.dir = self.stack.folder / "varnish"
        self.port, self.admin_port = free_port(), free_port()
        servers = [("127.0.0.1", app.port) for app in (self.stack.app_a, self.stack.app_b)]
        self._command = varnish_command(
            self.dir, self.port, self.admin_port, servers, host="127.0.0.1"
        )

    def command(self):
        return self._command

    def ready(self):
        return get_status(self.url + "/healthz") == 200

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


class Nginx(Component):
    stop_signal = signal.SIGQUIT  # graceful

    def prepare(self):
        self.dir = self.stack.folder / "nginx"
        (self.dir / "tls").mkdir(parents=True)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "7"]
            + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
            + ["-keyout", str(self.dir / "tls" / "privkey.pem")]
            + ["-out", str(self.dir / "tls" / "fullchain.pem")],
            check=True,
            capture_output=True,
        )
        self.port, self.http_port = free_port(), free_port()
        (self.dir / "faxeif.conf").write_text(
            site_config(
                https_port=self.port,
                http_port=self.http_port,
                varnish=f"127.0.0.1:{self.stack.varnish.port}",
                tls_dir=self.dir / "tls",
                s3_bucket_url=f"{self.stack.s3.url}/{BUCKET}/",
                error_pages=self.stack.folder / "errors",
            )
        )

    def command(self):
        return nginx_command(self.dir, f"    include {self.dir}/faxeif.conf;")

    def ready(self):
        return get_status(self.url + "/healthz") == 200

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"


def site_config(https_port, http_port, varnish, tls_dir, s3_bucket_url, error_pages) -> str:
    """deploy/nginx/faxeif.conf with only its site-specific ports, paths and addresses replaced
    (tests/test_deploy.py runs it the same way)."""
    config = NGINX_SITE.read_text()
    for deployed, here in {
        "listen 443 ssl http2;": f"listen 127.0.0.1:{https_port} ssl http2;",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "server 127.0.0.1:6081;": f"server {varnish};",
        "/etc/letsencrypt/live/faxeifaellesskab.dk/": f"{tls_dir}/",
        "https://faxeif-media.s3.eu-central-1.amazonaws.com/": s3_bucket_url,
        f"{DEPLOY_DIR}/errors/": f"{error_pages}/",
    }.items():
        if deployed not in config:
            raise StackError(f"{NGINX_SITE.name} no longer says {deployed!r}")
        config = config.replace(deployed, here)
    return config


class MailSink(socketserver.ThreadingTCPServer):
    """The municipality's mail server as the stack has it: SMTP on a loopback port, every message
    saved as a file in `folder` (the tests count them)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(exist_ok=True)
        super().__init__(("127.0.0.1", 0), _SmtpSession)
        self.port = self.server_address[1]
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def messages(self) -> list[str]:
        return [path.read_text() for path in sorted(self.folder.glob("*.eml"))]


class _SmtpSession(socketserver.StreamRequestHandler):
    def handle(self):
        self.say("220 faxeif-stack")
        data = None
        while line := self.rfile.readline():
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    name = f"{time.time_ns()}-{secrets.token_hex(4)}.eml"
                    (self.server.folder / name).write_bytes(b"".join(data))
                    data = None
                    self.say("250 saved")
                else:
                    data.append(line[1:] if line.startswith(b"..") else line)
                continue
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.say("250 faxeif-stack")
            elif verb == b"DATA":
                data = []
                self.say("354 go on")
            elif verb == b"QUIT":
                self.say("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.say("250 ok")

    def say(self, line: str):
        self.wfile.write(line.encode() + b"\r\n")


class Stack:
    """The stack in `folder` (a temporary one unless given). `start()` prepares and starts it all;
    `stop()` stops everything it started. Components: postgres, pgbouncer, redis, s3, app_a,
    app_b, worker, varnish, nginx."""

    def __init__(
        self,
        folder: Path | str | None = None,
        admin_password: str | None = None,
        app_settings: dict[str, str] | None = None,
    ):
        self._own_folder = folder is None
        # More environment for the app servers (the tests' sign-in provider, OIDC_*).
        self.app_settings = app_settings or {}
        self.folder = Path(folder or tempfile.mkdtemp(prefix="faxeif-stack."))
        self.folder.mkdir(parents=True, exist_ok=True)
        # Other users (postgres, varnish) reach their own folders inside.
        self.folder.chmod(0o755)
        self.secret_key = secrets.token_urlsafe(50)
        self.admin_password = admin_password or "stack-" + secrets.token_urlsafe(12)
        self.postgres = Postgres(self, "postgres")
        self.pgbouncer = Pgbouncer(self, "pgbouncer")
        self.redis = Redis(self, "redis")
        self.s3 = S3(self, "s3")
        self.app_a = AppServer(self, "app-a")
        self.app_b = AppServer(self, "app-b")
        self.worker = MailWorker(self, "worker")
        self.varnish = Varnish(self, "varnish")
        self.nginx = Nginx(self, "nginx")
        self.mail: MailSink | None = None

    @property
    def components(self) -> list[Component]:
        servers = [self.postgres, self.pgbouncer, self.redis, self.s3, self.app_a, self.app_b]
        return [*servers, self.worker, self.varnish, self.nginx]

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def start(self, say=lambda line: None) -> None:
        self.mail = MailSink(self.folder / "mail")
        for component in (self.postgres, self.pgbouncer, self.redis, self.s3):
            say(f"Starting {component.name}")
            component.prepare()
            component.start()
        self.postgres.psql("CREATE DATABASE faxeif")
        say("Migrating, seeding, collecting static files")
        self.set_up_site()
        for app in (self.app_a, self.app_b):
            app.prepare()
        self.varnish.prepare()
        self.nginx.prepare()
        for component in self.components[4:]:
            say(f"Starting {component.name}")
            component.start()

    def set_up_site(self) -> None:
        """What a deploy does once before the app servers start: migrate (straight to
        PostgreSQL), seed, an administrator, static files, the static error page nginx shows."""
        env = {**self.app_env("app-a"), "ADMIN_USER": ADMIN_USER}
        env["ADMIN_PASSWORD"] = self.admin_password
        for args in (
            ("migrate", "--noinput"),
            ("seed_content",),
            ("ensure_admin",),
            ("collectstatic", "--noinput", "--verbosity=0"),
            ("render_error_pages", str(self.folder / "errors")),
        ):
            self.manage(*args, env=env)

    def app_env(self, name: str) -> dict:
        """The environment of app server `name` ("app-a", "app-b"): run manage.py in it."""
        folder = self.folder / name
        return {
            "PATH": os.environ["PATH"],
            "LANG": "C.UTF-8",
            "HOME": str(self.folder),
            "DJANGO_SETTINGS_MODULE": "faxeif.settings.production",
            "SECRET_KEY": self.secret_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "WAGTAILADMIN_BASE_URL": f"https://127.0.0.1:{getattr(self.nginx, 'port', 443)}",
            "DATABASE_URL": self.pgbouncer.url,
            "DATABASE_TRANSACTION_POOLING": "true",
            "REDIS_URL": self.redis.url,
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": self.s3.url,
            "S3_REGION": "us-east-1",
            "AWS_ACCESS_KEY_ID": S3_KEY,
            "AWS_SECRET_ACCESS_KEY": S3_KEY,
            "VARNISH_PURGE_URLS": f"http://127.0.0.1:{getattr(self.varnish, 'port', 0)}",
            # nginx sets X-Forwarded-For to the client's address, Varnish appends nginx's.
            "TRUSTED_PROXY_COUNT": "2",
            "CACHE_DIR": str(folder / "cache"),
            "MEDIA_ROOT": str(folder / "media"),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.mail.port if self.mail else 25),
            "EMAIL_USE_TLS": "false",
            **self.app_settings,
        }

    def manage(
        self, *args: str, env: dict | None = None, timeout: float = 600, check: bool = True
    ) -> str:
        """A manage.py command in app server A's environment (or `env`); its output (with
        `check`, StackError when it fails)."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env or self.app_env("app-a"),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode and check:
            raise StackError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def shell(self, code: str, app: str = "app-a") -> str:
        """The last line `code` prints, run by manage.py shell in app server `app`'s environment."""
        output = self.manage("shell", "--verbosity=0", "-c", code, env=self.app_env(app))
        return output.strip().splitlines()[-1] if output.strip() else ""

    def stop(self) -> None:
        for component in reversed(self.components):
            component.stop()
        if self.mail:
            self.mail.shutdown()
            self.mail.server_close()
        if self._own_folder:
            shutil.rmtree(self.folder, ignore_errors=True)


def main() -> int:
    folder = os.environ.get("STACK_DIR")
    stack = Stack(folder)

    def interrupted(number, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGHUP, interrupted)
    # Ctrl-C stops it, also when started from a script's background job, which would otherwise
    # pass on an ignored SIGINT (Python then installs no handler of its own).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        stack.start(say=lambda line: print(line, flush=True))
        print(
            f"""
  Site:   {stack.nginx.url}/  (a self-signed certificate)
  Admin:  {stack.nginx.url}/admin/  user {ADMIN_USER}, password {stack.admin_password}
  Varnish {stack.varnish.url}/, app servers {stack.app_a.url}/ and {stack.app_b.url}/
  Folder: {stack.folder} (logs: *.log; mail: mail/)

  Ctrl-C stops it all.
""",
            flush=True,
        )
        while all(c.running() for c in stack.components):
            time.sleep(0.5)
        stopped = [c.name for c in stack.components if not c.running()]
        print(f"Stopped by itself: {', '.join(stopped)}; stopping the rest", flush=True)
        return 1
    except KeyboardInterrupt:
        print("\nStopping", flush=True)
        return 0
    except StackError as error:
        print(f"The stack did not start: {error}", file=sys.stderr, flush=True)
        return 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
