"""`make bench`: the site's throughput and latency in its production configuration.

Builds a throwaway site (migrate, seed_content, then generate_site.py: 1,000 more pages and 200
images) on the database it is given, collects static files, serves it with gunicorn and
gunicorn.conf.py under faxeif.settings.production (bench_settings.py: the same, with uploads in
the run's temporary folder), and measures each page with wrk on loopback twice:

  uncached  with `Cookie: sessionid=bench`, which the page cache lets through to Django;
  cached    anonymous, after one request that fills the cache (the response's X-Cache is shown).

Beside them, two references that serve the Baggrund page's bytes: a bare WSGI app (bare_wsgi.py)
under the same gunicorn settings, and nginx serving them as a static file. Then it prints a table,
the gunicorn workers' peak resident memory and PASS/FAIL for each target. Last, the stack
(stack_runs.py): the same page through Varnish with deploy/varnish/faxeif.vcl and through nginx
with TLS in front of it, the purge after a publish, and each component's memory.

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
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import asdict
from pathlib import Path

# Run as a script, this folder is on the path but not the repository, whose `scripts` this is.
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

from scripts.bench.commands import BenchError, say  # noqa: E402
from scripts.bench.cpu_time import SERVING_GROUPS, postgres_group  # noqa: E402
from scripts.bench.report import report  # noqa: E402
from scripts.bench.servers import (  # noqa: E402
    REFERENCE_PATH,
    Server,
    gunicorn_config,
    reference_env,
    run_script,
    start_gunicorn,
    start_nginx,
)
from scripts.bench.stack_runs import measure_stack  # noqa: E402
from scripts.bench.targets import failed_pages  # noqa: E402
from scripts.bench.throwaway_site import base_env, prepare_site  # noqa: E402
from scripts.bench.worker_memory import WorkerMemory  # noqa: E402
from scripts.bench.wrk_runs import CONNECTIONS, DURATION, WARMUP, WRK_THREADS, fetch, measure  # noqa: E402
from scripts.served_site import BASE_DIR  # noqa: E402

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
        results["stack"] = measure_stack(env, tmp)
        results["seconds"] = round(time.monotonic() - started)
        return results
    finally:
        Server.stop_all()
        if keep:
            say(f"Kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


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


if __name__ == "__main__":
    sys.exit(main())
