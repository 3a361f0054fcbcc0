"""The site served by gunicorn with gunicorn.conf.py, as production serves it, on a free loopback
port: the one launcher of the tests (tests/support/processes.py) and of make bench, tune and
make soak (scripts/bench/servers.py).

gunicorn.conf.py sets control_socket_disable: two servers started by one user would otherwise
collide on gunicorn's control socket under ~/.gunicorn/, and the bench and the tests run several.
"""

import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[1]  # the repository
GUNICORN = Path(sys.executable).parent / "gunicorn"
GUNICORN_CONF = BASE_DIR / "gunicorn.conf.py"


class NotServing(RuntimeError):
    """A server exited, or did not answer in time."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(
    url: str,
    server: subprocess.Popen,
    timeout: float = 60,
    headers: dict | None = None,
    name: str = "the site's server",
) -> None:
    """Wait until a GET of `url` (with these headers) answers with a success status; NotServing
    when the server exits first or `timeout` seconds pass. A request may take as long as is left
    of the timeout, up to 30 s: the first request of a site may render image renditions."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        if server.poll() is not None:
            raise NotServing(f"{name} exited with {server.returncode}")
        try:
            request = urllib.request.Request(url, headers=headers or {})
            with urllib.request.urlopen(request, timeout=min(30, max(left, 0.1))):
                return
        except OSError:  # refused while starting, or an error status (HTTPError)
            time.sleep(0.2)
    raise NotServing(f"{name} did not answer at {url} within {timeout} s")


def gunicorn_command(port: int, *options: str) -> list[str]:
    """gunicorn with gunicorn.conf.py bound to 127.0.0.1:port. The options come last: gunicorn's
    command line wins over GUNICORN_CMD_ARGS, which wins over the file (tune.py varies the worker
    settings through GUNICORN_CMD_ARGS, so the bench passes none here)."""
    command = [str(GUNICORN), f"--config={GUNICORN_CONF}", f"--bind=127.0.0.1:{port}"]
    return [*command, *options]


def start_gunicorn(
    env: dict,
    *options: str,
    ready_path: str = "/",
    headers: dict | None = None,
    name: str = "the site's server",
    **popen,
) -> tuple[subprocess.Popen, str]:
    """gunicorn with gunicorn.conf.py and these options (an app, --workers, ...) on a free loopback
    port, started with these Popen arguments, once it answers ready_path (under the production
    settings: /healthz, the one address they do not redirect to https, or any address with the
    front server's X-Forwarded-Proto header); its base URL. Stopped again when it does not answer
    or the wait is interrupted."""
    port = free_port()
    server = subprocess.Popen(gunicorn_command(port, *options), cwd=BASE_DIR, env=env, **popen)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url + ready_path, server, headers=headers, name=name)
    except BaseException:
        stop_gunicorn(server)
        raise
    return server, base_url


def stop_gunicorn(server: subprocess.Popen, timeout: float = 30) -> None:
    """SIGTERM: gunicorn's graceful stop, which stops its workers too. A master still running
    after `timeout` seconds is killed (its workers notice and exit), and TimeoutExpired raised."""
    server.terminate()
    try:
        server.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=10)
        raise
