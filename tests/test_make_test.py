"""What the README says of `make test`'s passes (scripts/test_passes.sh), with a stand-in for
pytest that says what it was given: the SQLite pass, its browser checks and the checks of make's
own commands in a process of their own with folders of their own, and the PostgreSQL pass on a
throwaway server, side by side; their output one after another; the run fails when any of them
fails; PYTEST_ARGS narrows every pass; Ctrl-C ends them all."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from tests.support.processes import BASE_DIR, running_processes, wait_until_gone

# Runs once: it starts a throwaway PostgreSQL of its own, whatever the pass's database.
pytestmark = pytest.mark.sqlite_only

STAND_IN = """
import json, os, sys, time
print("PYTEST " + json.dumps({
    "args": sys.argv[1:],
    "postgresql": os.environ.get("DATABASE_URL", "").startswith("postgres"),
    "cache": os.environ.get("CACHE_DIR", ""),
    "seeded": os.environ.get("SEEDED_SQLITE_TEMPLATE", ""),
}), flush=True)
if os.environ.get("STAND_IN_WAITS"):
    time.sleep(120)
sys.exit(int(os.environ.get("BROWSER_EXIT", "0")) if "tests/browser" in sys.argv else 0)
"""

PASS_SETTINGS = {"CACHE_DIR", "MEDIA_ROOT", "SEEDED_SQLITE_TEMPLATE", "DATABASE_URL"}


def passes(tmp_path, **env) -> subprocess.Popen:
    script = tmp_path / "stand_in_pytest.py"
    script.write_text(STAND_IN)
    # As from a shell: without the folders this test's own pass was given.
    shell = {k: v for k, v in os.environ.items() if k not in PASS_SETTINGS}
    return subprocess.Popen(
        ["bash", "scripts/test_passes.sh"],
        cwd=BASE_DIR,
        env={
            **shell,
            "PYTEST": f"{sys.executable} {script}",
            "PYTEST_ARGS": "",
            "TEST_LOG_DIR": str(tmp_path / "logs"),
            **env,
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own group, as a terminal gives `make test`
        preexec_fn=default_sigint,
    )


def default_sigint() -> None:
    """Ctrl-C as a terminal delivers it, also when this run was started with SIGINT ignored (a
    background job of a script is, and its children inherit that): a shell cannot trap a signal
    that was ignored when it started."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finished(process: subprocess.Popen, timeout: float = 120) -> tuple[int, str, list[dict]]:
    output = process.communicate(timeout=timeout)[0]
    runs = [json.loads(line[7:]) for line in output.splitlines() if line.startswith("PYTEST ")]
    return process.returncode, output, runs


def test_the_passes_run_side_by_side_and_print_one_after_another(tmp_path):
    status, output, runs = finished(passes(tmp_path))
    assert status == 0, output
    sqlite, browser, postgresql = runs
    # The SQLite pass and its browser checks copy one seeded site, built once for both.
    seeded = {run.pop("seeded") for run in runs}
    assert len(seeded) == 1 and seeded.pop().endswith("seeded.sqlite3")
    apart = ["tests/browser", "tests/test_make_run.py", "tests/test_make_test.py"]
    assert all((BASE_DIR / path).exists() for path in apart)
    assert sqlite == {
        "args": [f"--ignore={path}" for path in apart],
        "postgresql": False,
        "cache": "",
    }
    assert browser == {
        "args": ["-p", "no:cacheprovider", *apart],
        "postgresql": False,
        "cache": "var/test-cache-browser",
    }
    assert postgresql == {"args": ["-p", "no:cacheprovider"], "postgresql": True, "cache": ""}
    banners = [line for line in output.splitlines() if line.startswith("== ")]
    assert [b.split(" (")[0] for b in banners] == [
        "== Tests on SQLite",
        "== Browser checks and make's own on SQLite ==",
        f"== Tests on PostgreSQL {banners[-1].split()[-2]} ==",
    ]


def test_the_run_fails_when_any_pass_fails_and_shows_them_all(tmp_path):
    status, output, runs = finished(passes(tmp_path, BROWSER_EXIT="3"))
    assert status == 1
    assert len(runs) == 3
    assert output.strip().endswith(
        "== FAILED: " + str(tmp_path / "logs" / "test-browser.log") + " (exit 3) =="
    )


def test_pytest_args_narrow_every_pass_and_keep_their_quoting(tmp_path):
    status, output, runs = finished(passes(tmp_path, PYTEST_ARGS='-k "titles or layout"'))
    assert status == 0, output
    assert [run["args"] for run in runs] == [
        ["-k", "titles or layout"],
        ["-p", "no:cacheprovider", "-k", "titles or layout"],
    ]
    assert [run["postgresql"] for run in runs] == [False, True]


def test_ctrl_c_ends_every_pass(tmp_path):
    process = passes(tmp_path, STAND_IN_WAITS="1")
    deadline = time.monotonic() + 60
    while len(stand_ins(tmp_path)) < 3:  # the PostgreSQL pass starts its server first
        assert time.monotonic() < deadline, "the passes did not start"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)
    status, _, _ = finished(process, timeout=30)  # not after the stand-ins' two minutes
    assert status == 130
    assert wait_until_gone([p["pid"] for p in stand_ins(tmp_path)], timeout=10) == []


def stand_ins(tmp_path) -> list[dict]:
    """The stand-ins running as themselves: not the shells and scripts that will start them and
    name them in their own command lines (with_postgres.sh does while it starts its server)."""
    command = f"{sys.executable} {tmp_path / 'stand_in_pytest.py'}"
    return [p for p in running_processes() if p["command"].startswith(command)]
