"""CPU time per request inside one process, without a server or a load generator: the site's
WSGI application (faxeif.wsgi, the page cache in front of Django) called with a prepared environ,
as gunicorn calls it. Unlike requests/s under wrk, the figure barely moves when other processes
share the machine, so it shows what a change to the hit path or a view costs.

    DJANGO_SETTINGS_MODULE=faxeif.settings.dev .venv/bin/python scripts/bench/request_cpu.py
    ... request_cpu.py --uncached --count 50 "/soeg/?q=f%C3%A6llesskab"

Anonymous requests (default) must be page cache hits: the script says so if one is not. With
--uncached every request carries a session cookie and goes through Django, as an editor's does;
on PostgreSQL the database server's CPU time for the connection is added (read from /proc, so the
server must run on this machine). The settings module must be given: faxeif.wsgi would otherwise
pick the production settings. A request is sent as the front server sends it (X-Forwarded-Proto:
https, Host 127.0.0.1).
"""

import argparse
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

UNCACHED_COOKIE = "sessionid=bench"


def environ(path_and_query: str, uncached: bool) -> dict:
    path, _, query = path_and_query.partition("?")
    env = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1",
        "HTTP_X_FORWARDED_PROTO": "https",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if uncached:
        env["HTTP_COOKIE"] = UNCACHED_COOKIE
    return env


def call(application, env: dict) -> dict:
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer.update(status=status, headers=dict(headers))

    body = application(env, start_response)
    b"".join(body)
    if hasattr(body, "close"):
        body.close()
    return answer


def database_seconds():
    """The PostgreSQL server's CPU time for this process's connection so far (None on SQLite)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(application, path: str, uncached: bool, count: int) -> str:
    for _ in range(3):  # fills the cache, renders renditions, opens the connection
        answer = call(application, environ(path, uncached))
    if not answer["status"].startswith("200"):
        return f"{path}: {answer['status']}"
    x_cache = answer["headers"].get("X-Cache")
    if not uncached and x_cache != "HIT":
        return f"{path}: not a page cache hit (X-Cache {x_cache})"
    environs = [environ(path, uncached) for _ in range(count)]
    database = database_seconds() if uncached else None
    started = time.process_time()
    for env in environs:
        call(application, env)
    python = (time.process_time() - started) / count
    scale, unit = (1e3, "ms") if uncached else (1e6, "us")
    line = f"{path}: {python * scale:.{1 if uncached else 2}f} {unit} of Python CPU per request"
    if database is not None:
        database = (database_seconds() - database) / count
        total = (python + database) * scale
        line += f" + {database * scale:.1f} {unit} of PostgreSQL = {total:.1f} {unit}"
    return f"{line} ({count:,} {'uncached' if uncached else 'cached'} requests)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=["/baggrund/"])
    parser.add_argument("--uncached", action="store_true", help="through Django, as an editor")
    parser.add_argument("--count", type=int, help="requests per path (20,000 cached, 50 not)")
    args = parser.parse_args()
    if "DJANGO_SETTINGS_MODULE" not in os.environ:
        sys.exit("Set DJANGO_SETTINGS_MODULE (faxeif.wsgi would pick the production settings).")
    from faxeif.wsgi import application

    count = args.count or (50 if args.uncached else 20_000)
    for path in args.paths:
        print(measure(application, path, args.uncached, count), flush=True)


if __name__ == "__main__":
    main()
