"""The measurements behind gunicorn.conf.py's numbers: the same throwaway site as `make bench`,
served under several worker settings in turn, each given to gunicorn as GUNICORN_CMD_ARGS on top
of gunicorn.conf.py (gunicorn reads the file, then that variable, then its command line).

    scripts/bench/run.sh is for bench.py; run this one the same way:
    env -u DATABASE_URL .venv/bin/python scripts/bench/tune.py --database sqlite
    bash scripts/with_postgres.sh .venv/bin/python scripts/bench/tune.py --database env

For each setting: uncached (session cookie) Forside and Baggrund, anonymous (cached when the page
cache is active) Baggrund, the bare WSGI app with the Baggrund bytes, and the workers' peak
resident memory. Takes about a minute per setting; a run disturbed by other processes is
repeated up to TUNE_RETRIES (3) times. TUNE_SETTINGS replaces the list, settings
separated by ';', e.g. TUNE_SETTINGS='--workers 2;--workers 3 --preload'. TUNE_REPEAT=N goes
through the list N times (interleaved, so that a busy spell on the machine hits all settings
alike) and adds each setting's best figures: on a shared machine, the best of several runs is
the nearest to what the setting does on a quiet one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this folder is on the path but not the repository, whose `scripts` this is.
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

from scripts.bench import wrk_runs  # noqa: E402
from scripts.bench.commands import say  # noqa: E402
from scripts.bench.cpu_time import NOISY_CPU, SERVING_GROUPS, postgres_group  # noqa: E402
from scripts.bench.servers import (  # noqa: E402
    REFERENCE_PATH,
    Server,
    reference_env,
    run_script,
    start_gunicorn,
)
from scripts.bench.throwaway_site import base_env, prepare_site  # noqa: E402
from scripts.bench.worker_memory import WorkerMemory  # noqa: E402
from scripts.bench.wrk_runs import fetch  # noqa: E402

RETRIES = int(os.environ.get("TUNE_RETRIES") or 3)
REPEAT = int(os.environ.get("TUNE_REPEAT") or 1)
RUNS = ("home_uncached", "baggrund_uncached", "baggrund_cached", "bare")


def measure(url: str, uncached: bool):
    return wrk_runs.measure(url, uncached, retries=RETRIES)


SETTINGS = [
    "--workers 1",
    "--workers 2",
    "--workers 3",
    "--workers 4",
    "--workers 5",
    "--workers 3 --preload",
    "--workers 3 --preload --max-requests 1000 --max-requests-jitter 100",
    "--workers 2 --threads 4 --worker-class gthread",
    "--workers 3 --threads 2 --worker-class gthread",
]


def tune(database: str) -> list[dict]:
    settings = [s.strip() for s in os.environ.get("TUNE_SETTINGS", "").split(";") if s.strip()]
    settings = settings or SETTINGS
    tmp = Path(tempfile.mkdtemp(prefix="faxeif-tune."))
    rows = []
    try:
        if database == "env":
            database_url = os.environ["DATABASE_URL"]
            say(f"PostgreSQL {os.environ.get('PG_VERSION', '?')}")
            if (group := postgres_group()) is not None:
                SERVING_GROUPS.add(group)
        else:
            database_url = f"sqlite:///{tmp / 'bench.sqlite3'}"
            say("SQLite")
        env = base_env(tmp, database_url)
        prepare_site(env)
        status, headers, body = fetch_reference(env, tmp)
        reference = reference_env(tmp, headers, body)
        rounds = [(n, setting) for n in range(1, REPEAT + 1) for setting in settings]
        for n, setting in rounds:
            say(f"== {setting} (round {n} of {REPEAT})")
            run_env = {**env, "GUNICORN_CMD_ARGS": setting}
            row = {"setting": setting}
            app, base = start_gunicorn("tune-site", "faxeif.wsgi:application", run_env, tmp)
            memory = WorkerMemory(app.pid)
            try:
                row["home_uncached"] = measure(base + "/", uncached=True)
                row["baggrund_uncached"] = measure(base + REFERENCE_PATH, uncached=True)
                fetch(base + REFERENCE_PATH)
                row["x_cache"] = fetch(base + REFERENCE_PATH)[1].get("X-Cache", "-")
                row["baggrund_cached"] = measure(base + REFERENCE_PATH, uncached=False)
            finally:
                row["memory"] = memory.stop()
                app.stop()
            bare, bare_base = start_gunicorn(
                "tune-bare",
                "bare_wsgi:application",
                {**run_env, **reference},
                tmp,
            )
            try:
                row["bare"] = measure(bare_base + REFERENCE_PATH, uncached=False)
            finally:
                bare.stop()
            rows.append(row)
        return rows
    finally:
        Server.stop_all()
        shutil.rmtree(tmp, ignore_errors=True)


def fetch_reference(env: dict, tmp: Path):
    app, base = start_gunicorn("tune-reference", "faxeif.wsgi:application", env, tmp)
    try:
        return fetch(base + REFERENCE_PATH)
    finally:
        app.stop()


def report(rows: list[dict]) -> None:
    titles = ("/ uncached", "/baggrund/ uncached", "/baggrund/ anonymous", "bare WSGI")
    say("")
    say(
        f"{'GUNICORN_CMD_ARGS':<48}|" + "".join(f" {t:^22} |" for t in titles) + " workers' peak MB"
    )
    say(f"{'':<48}|" + f" {'req/s':>7} {'p99 ms':>7} {'CPU ms':>6} |" * 4)
    for row in rows:
        cells = "".join(
            f" {row[k].rps:7.1f} {row[k].p99_ms:7.1f} {row[k].server_cpu_ms:6.2f} |" for k in RUNS
        )
        peaks = sorted(row["memory"]["peak_mb"].values(), reverse=True)
        other = max(row[k].other_cpu for k in RUNS)
        say(
            f"{row['setting']:<48}|{cells} {', '.join(f'{p:.0f}' for p in peaks)}; "
            f"X-Cache {row['x_cache']}"
            + (f" [other processes: up to {other:.2f} CPUs]" if other >= NOISY_CPU else "")
        )
    if REPEAT > 1:
        say("")
        say(f"Best of {REPEAT} (highest req/s, lowest p99 and CPU ms, each on its own):")
        for setting in dict.fromkeys(row["setting"] for row in rows):
            same = [row for row in rows if row["setting"] == setting]
            cells = "".join(
                f" {max(r[k].rps for r in same):7.1f} {min(r[k].p99_ms for r in same):7.1f} "
                f"{min(r[k].server_cpu_ms for r in same):6.2f} |"
                for k in RUNS
            )
            peak = max(max(r["memory"]["peak_mb"].values()) for r in same)
            say(f"{setting:<48}|{cells} {peak:.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "env"), default="sqlite")
    args = parser.parse_args()
    started = time.monotonic()

    def work() -> int:
        report(tune(args.database))
        say(f"Done in {time.monotonic() - started:.0f} s.")
        return 0

    return run_script("tune", work)


if __name__ == "__main__":
    sys.exit(main())
