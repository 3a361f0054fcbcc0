"""`make soak`: the site under load while parts of it fail, and nothing saved is lost.

Builds a throwaway site (migrate, seed_content, an activity open for sign-up) on the throwaway
PostgreSQL that scripts/with_postgres.sh started, serves it with gunicorn and gunicorn.conf.py
under the production settings (scripts/bench/bench_settings.py), and for SOAK_DURATION seconds
(default 60) runs at the same time:

  load      wrk on loopback, rotating over the public pages, /healthz and the activity, half of
            the requests with a session cookie so that they reach Django and the database
  sign-ups  a visitor after another through the real form over HTTP: GET the form (no
            cookie), take its token, POST; saved = answered with the receipt (a redirect to the
            thank-you page with ?kvittering=)
  edits     a separate process publishing revisions of the Baggrund page through the ORM, as the
            admin does (save_revision().publish()); saved = publish() returned
  failures  at 30% of the run one gunicorn worker is killed with SIGKILL; at 60% PostgreSQL is
            restarted (pg_ctl restart -m fast, which ends every connection)

Then it reports the requests, the errors by status and kind, and checks that every sign-up and
edit reported as saved is in the database. Exit status 1 when any was lost or the run broke.

Tunables (environment): SOAK_DURATION (s, 60), SOAK_CONNECTIONS (wrk, 8), SOAK_KEEP=1 (keep the
temporary folder with gunicorn's log), and gunicorn.conf.py's own (WEB_CONCURRENCY, ...).
Run it through scripts/soak/run.sh (make soak), which starts the throwaway PostgreSQL.
"""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

SOAK_DIR = Path(__file__).resolve().parent
BASE_DIR = SOAK_DIR.parents[1]
sys.path[:0] = [str(BASE_DIR)]

# The bench's servers, wrk's output and throwaway site (scripts/bench/).
from scripts.bench.commands import BenchError, env_int, run, say  # noqa: E402
from scripts.bench.servers import Server, run_script, start_gunicorn  # noqa: E402
from scripts.bench.throwaway_site import base_env  # noqa: E402
from scripts.bench.worker_memory import children  # noqa: E402
from scripts.bench.wrk_runs import WRK_THREADS, fetch, parse_wrk  # noqa: E402
from scripts.throwaway_postgres import ThrowawayPostgres  # noqa: E402

DURATION = env_int("SOAK_DURATION", 60)
CONNECTIONS = env_int("SOAK_CONNECTIONS", 8)
KILL_WORKER_AT = 0.3
RESTART_DATABASE_AT = 0.6
PATHS = ["/", "/baggrund/", "/faser/", "/aktiviteter/", "/healthz", "/soeg/?q=faxe"]

WRK_SCRIPT = """
-- Rotates over the paths; every second request carries a session cookie (past the page cache).
-- Every request says it came through the TLS front server, as in production (else: a redirect).
-- Counts the responses by status in each thread; done() prints them for soak.py.
local paths = {%(paths)s}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) statuses = {}; errors_at = {}; n = 0 end
function request()
  n = n + 1
  local headers = {["X-Forwarded-Proto"] = "https"}
  if n %% 2 == 0 then headers["Cookie"] = "sessionid=soak" end
  return wrk.format("GET", paths[(n %% #paths) + 1], headers)
end
function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status >= 400 then
    local second = os.time()

    errors_at[second] = (errors_at[second] or 0) + 1
  end
end
function done(summary, latency, requests)
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      io.write(string.format("status %%d %%d\\n", status, count))
    end
    for second, count in pairs(thread:get("errors_at") or {}) do
      io.write(string.format("errors_at %%d %%d\\n", second, count))
    end
  end
end
"""


class Timeline:
    """What happened when, in seconds from the start of the load."""

    def __init__(self):
        self.started = time.monotonic()
        self.wall = time.time()
        self.events: list[tuple[float, str]] = []

    def now(self) -> float:
        return time.monotonic() - self.started

    def note(self, text: str) -> None:
        self.events.append((self.now(), text))
        say(f"  {self.now():5.1f} s  {text}")


# ---------------------------------------------------------------- sign-ups over HTTP

FORM_TOKEN = re.compile(r'name="token" value="([^"]+)"')


class SignUps(threading.Thread):
    """Visitors signing up one after another through the form, until `until`."""

    def __init__(self, form_url: str, until: float):
        super().__init__(daemon=True)
        self.form_url, self.until = form_url, until
        self.saved: list[str] = []
        self.failed: Counter = Counter()
        self.attempts = 0

    def run(self) -> None:
        while time.monotonic() < self.until:
            self.attempts += 1
            email = f"soak-{self.attempts}@example.dk"
            try:
                outcome = self.sign_up(email)
            except OSError as error:  # connection refused or reset: a killed worker
                outcome = f"no answer ({type(error).__name__})"
            if outcome == "saved":
                self.saved.append(email)
            else:
                self.failed[outcome] += 1
            time.sleep(0.1)

    def sign_up(self, email: str) -> str:
        # As behind the TLS-terminating front server of production (SECURE_PROXY_SSL_HEADER):
        # the browser's Origin is the site's https address.
        https = {"X-Forwarded-Proto": "https"}
        status, headers, body = request(self.form_url, https)
        if status != 200:
            return f"form {status}"
        token = FORM_TOKEN.search(body)
        if not token:
            return "form without its token"
        data = {
            "token": token.group(1),
            "name": "Soak Deltager",
            "email": email,
            "workplace": "Haslev Bibliotek",
            "comment": "",
            "website": "",
        }
        status, headers, _ = request(
            self.form_url,
            {**https, "Origin": "https://" + urllib.parse.urlsplit(self.form_url).netloc},
            urllib.parse.urlencode(data).encode(),
        )
        if status == 302 and "kvittering=" in headers.get("Location", ""):
            return "saved"
        return f"post {status}"


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


OPENER = urllib.request.build_opener(NoRedirects())


def request(url: str, headers: dict, data: bytes | None = None) -> tuple[int, dict, str]:
    try:
        with OPENER.open(urllib.request.Request(url, data, headers), timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode(errors="replace")


# ---------------------------------------------------------------- the run


def prepare(env: dict) -> dict:
    py = sys.executable
    run([py, "manage.py", "migrate", "--noinput", "--verbosity", "0"], env, "migrate")
    run([py, "manage.py", "seed_content"], env, "seed_content")
    out = run([py, str(SOAK_DIR / "content.py"), "prepare"], env, "an activity")
    run([py, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"], env, "static")
    return json.loads(out.strip().splitlines()[-1])


def wrk_command(base: str, script: Path) -> list[str]:
    paths = ", ".join(f'"{p}"' for p in PATHS)
    script.write_text(WRK_SCRIPT % {"paths": paths})
    threads = min(WRK_THREADS, CONNECTIONS)
    return ["wrk", f"-t{threads}", f"-c{CONNECTIONS}", f"-d{DURATION}s", "--latency"] + [
        "--timeout",
        "10s",
        "-s",
        str(script),
        base + "/",
    ]


def kill_a_worker(master: int, timeline: Timeline) -> None:
    workers = children(master)
    if not workers:
        timeline.note("no gunicorn worker found to kill")
        return
    os.kill(workers[0], signal.SIGKILL)
    timeline.note(f"killed gunicorn worker {workers[0]} (SIGKILL)")


def restart_database(database: ThrowawayPostgres, timeline: Timeline) -> None:
    started = time.monotonic()
    timeline.note("restarting PostgreSQL (pg_ctl restart -m fast)")
    database.restart()
    timeline.note(f"PostgreSQL accepts connections again ({time.monotonic() - started:.1f} s)")


def soak() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")) or "PGHOST" not in os.environ:
        raise BenchError("run through scripts/soak/run.sh: it needs a throwaway PostgreSQL")
    database = ThrowawayPostgres()
    tmp = Path(tempfile.mkdtemp(prefix="faxeif-soak."))
    try:
        return soak_in(tmp, database, database_url)
    finally:
        Server.stop_all()
        if os.environ.get("SOAK_KEEP") == "1":
            say(f"Kept {tmp} (gunicorn.log: the server's errors)")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def soak_in(tmp: Path, database: ThrowawayPostgres, database_url: str) -> int:
    env = base_env(tmp, database_url)
    env["PYTHONPATH"] += os.pathsep + str(SOAK_DIR)
    say(f"faxeif soak: {DURATION} s, PostgreSQL {os.environ.get('PG_VERSION', '?')}; {tmp}")
    say("Preparing the site")
    site = prepare(env)
    app, base = start_gunicorn("gunicorn", "faxeif.wsgi:application", env, tmp)
    for path in PATHS:  # fill the page cache
        fetch(base + path)
    workers_before = children(app.pid)
    say(f"Serving on {base}: gunicorn master {app.pid}, workers {workers_before}")

    say("Load, sign-ups, edits and failures")
    timeline = Timeline()
    until = time.monotonic() + DURATION
    wrk = subprocess.Popen(
        wrk_command(base, tmp / "soak.lua"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    signups = SignUps(base + site["signup_url"], until)
    signups.start()
    edits = subprocess.Popen(
        [sys.executable, str(SOAK_DIR / "content.py"), "edit", str(site["edited_page_id"])]
        + [str(time.time() + DURATION)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        time.sleep(DURATION * KILL_WORKER_AT)
        kill_a_worker(app.pid, timeline)
        time.sleep(max(0.0, DURATION * RESTART_DATABASE_AT - timeline.now()))
        restart_database(database, timeline)
        wrk_out, wrk_err = wrk.communicate(timeout=DURATION + 60)
        edits_out, _ = edits.communicate(timeout=60)
        signups.join(timeout=60)
        timeline.note("load ended")
        workers_after = children(app.pid)
    finally:
        for process in (wrk, edits):
            if process.poll() is None:
                process.kill()
        app.stop()
    if wrk.returncode != 0:
        raise BenchError(f"wrk failed ({wrk.returncode}): {wrk_err}")

    checked = run([sys.executable, str(SOAK_DIR / "content.py"), "check"], env, "check")
    found = json.loads(checked.strip().splitlines()[-1])
    edits_saved = [
        int(line.split()[1]) for line in edits_out.splitlines() if line.startswith("saved ")
    ]
    edits_failed = Counter(
        line.split(" ", 1)[1] for line in edits_out.splitlines() if line.startswith("failed ")
    )
    lost_signups = sorted(set(signups.saved) - set(found["signups"]))
    lost_edits = sorted(set(edits_saved) - set(found["revisions"]))

    say("")
    say(f"faxeif soak: {DURATION} s, {CONNECTIONS} connections, gunicorn.conf.py, PostgreSQL")
    for at, text in timeline.events:
        say(f"  {at:5.1f} s  {text}")
    say(f"  gunicorn workers: {workers_before} before, {workers_after} after")
    say("")
    report_requests(wrk_out, timeline)
    say("")
    say(tally("Sign-ups over HTTP", signups.attempts, signups.saved, signups.failed, lost_signups))
    say("  (saved = answered with the receipt; not saved = the visitor saw an error)")
    tried_edits = len(edits_saved) + sum(edits_failed.values())
    say(tally("Edits (publish, ORM)", tried_edits, edits_saved, edits_failed, lost_edits))
    say("  (saved = publish() returned; not saved = it raised, as the admin would show)")
    say("")
    if lost_signups or lost_edits:
        say(f"FAIL: lost sign-ups {lost_signups}, lost edits {lost_edits}")
        return 1
    if not signups.saved or not edits_saved:
        say("FAIL: no sign-up or no edit was saved at all: the run proves nothing")
        return 1
    say("PASS: every sign-up and edit reported as saved is in the database.")
    return 0


def report_requests(wrk_out: str, timeline: "Timeline") -> None:
    result = parse_wrk(wrk_out)
    statuses, errors_at = Counter(), Counter()
    for status, count in re.findall(r"^status (\d+) (\d+)$", wrk_out, re.M):
        statuses[int(status)] += int(count)
    for second, count in re.findall(r"^errors_at (\d+) (\d+)$", wrk_out, re.M):
        errors_at[int(second) - int(timeline.wall)] += int(count)
    say(
        f"Requests (wrk): {result.requests:,} in {DURATION} s, {result.rps:,.0f} req/s, "
        f"p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms"
    )
    say("  by status: " + ", ".join(f"{s}: {n:,}" for s, n in sorted(statuses.items())))
    say(f"  non-2xx/3xx responses: {result.non_2xx:,}" + explain(statuses))
    if errors_at:
        seconds = ", ".join(f"{at} s: {n}" for at, n in sorted(errors_at.items()))
        say(f"  when (second of the run: error responses): {seconds}")
    errors = {kind: n for kind, n in (result.socket_errors or {}).items() if n}
    if errors:
        say(
            "  socket errors: "
            + ", ".join(f"{kind} {n}" for kind, n in errors.items())
            + " (connections cut: the killed worker's request in progress, or refused while "
            "no worker accepted)"
        )
    else:
        say("  socket errors: none")


def tally(what: str, tried: int, saved: list, failed: Counter, lost: list) -> str:
    reasons = ", ".join(f"{reason}: {n}" for reason, n in failed.most_common())
    return (
        f"{what}: {tried} tried, {len(saved)} saved, {sum(failed.values())} not saved"
        + (f" ({reasons})" if reasons else "")
        + f"; saved and in the database: {len(saved) - len(lost)}, lost: {len(lost)}"
    )


def explain(statuses: Counter) -> str:
    meanings = {503: "the static 503 page while the database was unavailable"}
    explained = [
        f"{status}: {meanings.get(status, 'unexpected: see the gunicorn log')}"
        for status in sorted(statuses)
        if status >= 400
    ]
    return f" ({'; '.join(explained)})" if explained else ""


def main() -> int:
    return run_script("soak", soak)


if __name__ == "__main__":
    sys.exit(main())
