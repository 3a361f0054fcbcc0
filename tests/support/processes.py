"""The site served as tests serve it: by gunicorn with gunicorn.conf.py, as production serves it,
or by `make run`, from a database and folders of its own; manage.py commands for it; the
processes they leave."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

# The launcher that make bench and make soak use too; the tests import these from here.
from scripts import served_site
from scripts.served_site import BASE_DIR, free_port, wait_until_serving
from scripts.served_site import stop_gunicorn as stop_gunicorn


def require(condition: bool, what: str) -> None:
    """A missing browser or tool skips locally but fails under CI=true: CI must test it all."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run must install it", pytrace=False)
    pytest.skip(f"{what} is missing")


def site_env(tmp: Path, database_url: str) -> dict:
    """The environment of a served site whose database, uploads, cache and sent mail (files:
    tests/support/mail.py) are its own."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "faxeif.settings.test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(tmp / "media"),
        "CACHE_DIR": str(tmp / "cache"),
        "EMAIL_FILE_PATH": str(tmp / "mail"),
    }


def run_manage(env: dict, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """A manage.py command in `env`, whatever its exit status; its output captured as text."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def manage(env: dict, *args: str) -> str:
    """Run a manage.py command for the served site; its standard output. A failure raises
    CalledProcessError, with the command's output."""
    result = run_manage(env, *args)
    result.check_returncode()
    return result.stdout


def seed_site(env: dict) -> None:
    """Give the served site's empty database its tables and the seed content, as make run does."""
    manage(env, "migrate", "--noinput")
    manage(env, "seed_content")


def shell_lines(env: dict, code: str) -> list[str]:
    """The lines that `code` prints, run by manage.py shell in the served site (quietly: without
    the shell's own line about what it imported)."""
    return manage(env, "shell", "--verbosity=0", "-c", code).strip().splitlines()


def shell_result(env: dict, code: str) -> str:
    """The last line that `code` prints, run by manage.py shell in the served site."""
    return shell_lines(env, code)[-1]


EDITOR_SESSION = """
from django.contrib.auth.models import Group, User
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
user = User.objects.create_user({username!r}, password="served-site-kodeord-42")
user.groups.add(Group.objects.get(name="Procesleder"))
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(session.session_key)
"""


def editor_session(env: dict, username: str = "procesleder") -> str:
    """A new member of Procesleder in the served site, logged in: the key of their session
    (the `sessionid` cookie), made in the site's own database without the login form."""
    return shell_result(env, EDITOR_SESSION.format(username=username))


def start_gunicorn(
    env: dict, workers: int = 2, ready_path: str = "/", **popen
) -> tuple[subprocess.Popen, str]:
    """gunicorn with gunicorn.conf.py on a free loopback port, once it answers ready_path (under
    the production settings: /healthz, the one address they do not redirect to https); its base
    URL."""
    options = (f"--workers={workers}", "--log-level=warning")
    return served_site.start_gunicorn(env, *options, ready_path=ready_path, **popen)


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
