"""The benchmark's ceiling for gunicorn: a WSGI app that does nothing but return the response the
site gave for a cached page: the body in the file BENCH_BARE_BODY (the Baggrund page), the
headers in the JSON file BENCH_BARE_HEADERS (a list of [name, value]: the security policy, HSTS,
ETag and the rest, as the site sent them). Served by gunicorn with the project's gunicorn.conf.py:

    BENCH_BARE_BODY=/tmp/baggrund.html BENCH_BARE_HEADERS=/tmp/headers.json \
        gunicorn -c gunicorn.conf.py --chdir scripts/bench bare_wsgi
"""

import json
import os

with open(os.environ["BENCH_BARE_BODY"], "rb") as f:
    BODY = f.read()
with open(os.environ["BENCH_BARE_HEADERS"]) as f:
    HEADERS = [(name, value) for name, value in json.load(f)]
HEADERS.append(("Content-Length", str(len(BODY))))


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
