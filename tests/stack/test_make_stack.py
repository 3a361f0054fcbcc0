"""`make stack` as a developer types it: it prints the site's address and the admin's password,
serves the seeded site through nginx, and Ctrl-C stops every process it started."""

import os
import re
import subprocess
import time

from scripts.served_site import BASE_DIR
from scripts.stack import insecure_tls
from tests.support.processes import interrupt, kill_group, running_processes, wait_until_gone
from tests.support.visitors import http


def descendants(pid: int) -> list[dict]:
    """Every process started by `pid`, by its children, and so on (each component runs in a
    session of its own, so the process group says nothing here)."""
    processes = running_processes()
    found, parents = [], {pid}
    while True:
        more = [p for p in processes if p["ppid"] in parents and p not in found]
        if not more:
            return found
        found += more
        parents = {p["pid"] for p in more}


def test_ctrl_c_stops_everything_make_stack_started(tmp_path):
    log = tmp_path / "make-stack.log"
    env = {**os.environ}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("STACK_DIR", None)  # a temporary folder of its own, removed again
    with open(log, "wb") as output:
        process = subprocess.Popen(
            ["make", "--no-print-directory", "-o", ".venv/.installed", "stack"],
            cwd=BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a terminal's foreground group, which Ctrl-C signals
        )
    try:
        deadline = time.monotonic() + 300
        while "Ctrl-C stops it all." not in log.read_text():
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.5)
        printed = log.read_text()
        site = re.search(r"Site: +(https://127\.0\.0\.1:\d+/)", printed).group(1)
        assert re.search(
            r"Admin: +https://127\.0\.0\.1:\d+/admin/ +user admin, password \S+", printed
        )
        page = http(site + "baggrund/", context=insecure_tls())
        assert page.status == 200 and "Hvad satte det i gang?" in page.text

        started = descendants(process.pid)
        commands = " ".join(p["command"] for p in started)
        for part in ("postgres", "pgbouncer", "redis-server", "moto_server", "gunicorn") + (
            "db_worker",
            "varnishd",
            "nginx",
            "publish_scheduled_loop",
        ):
            assert part in commands, f"{part} is not running"

        interrupt(process, timeout=120)
        assert wait_until_gone([p["pid"] for p in started], timeout=10) == []
        assert "Stopping" in log.read_text()
        folder = re.search(r"Folder: (\S+)", printed).group(1)
        assert not os.path.exists(folder), "the temporary folder is removed"
    finally:
        if process.poll() is None:
            kill_group(process)
