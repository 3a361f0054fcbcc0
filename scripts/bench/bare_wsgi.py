"""The benchmark's ceiling for gunicorn: a WSGI app that does nothing but return the bytes in
the file BENCH_BARE_BODY (the Baggrund page as the site serves it), with the headers a cached
page would carry. Served by gunicorn with the project's gunicorn.conf.py:

    BENCH_BARE_BODY=/tmp/baggrund.html gunicorn -c gunicorn.conf.py --chdir scripts/bench bare_wsgi
"""

import os

with open(os.environ["BENCH_BARE_BODY"], "rb") as f:
    BODY = f.read()

HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Content-Length", str(len(BODY))),
    ("Vary", "Accept-Language, Cookie"),
    ("Content-Language", "da"),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
]


def application(environ, start_response):
    start_response("200 OK", HEADERS)
    return [BODY]
