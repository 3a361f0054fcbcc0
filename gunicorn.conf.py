"""gunicorn settings for faxeif.

    gunicorn -c gunicorn.conf.py                  # serves faxeif.wsgi on $HOST:$PORT
    gunicorn -c gunicorn.conf.py --workers 2 ...  # the command line wins over this file

gunicorn also reads this file when started in this folder without -c, and GUNICORN_CMD_ARGS
(between this file and the command line). The numbers were chosen from measurements on a
2-core machine with scripts/bench/tune.py and `make bench`; docs/performance.md has the figures.
What follows is production's setup, behind nginx; `make run` serves without a front server and
without a timer, and says so with NO_FRONT_SERVER=1 and PUBLISH_SCHEDULED_EVERY=60 (see below).
"""

import os

wsgi_app = "faxeif.wsgi:application"
bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"

# Sync workers: one request at a time per process. Rendering a page is CPU work in Python (about
# 10-20 ms of CPU for an uncached page, 0.23 ms for a page cache hit), so threads only share one
# GIL: gthread (2x4, 3x2) cost the same CPU per request and its uncached p99 was no better, in most
# runs worse. Its higher figures for cached pages under wrk come from keep-alive connections,
# which nginx does not use towards gunicorn unless told to. Slow clients are the front server's
# job (nginx reads whole requests and buffers responses; deploy/nginx/faxeif.conf): the setup
# the sync worker is made for.
worker_class = "sync"
threads = 1

# Without a front server (`make run` sets NO_FRONT_SERVER=1) a sync worker reads the request
# itself, and a client that sends nothing, or its headers a byte at a time, holds the worker until
# `timeout` kills it: three such clients stalled the site. gunicorn's asgi worker reads requests in
# an event loop, and faxeif.asgi passes each complete request to the same WSGI application, one at
# a time per worker. Measured with wrk (-c8, 3 workers, the 2-core machine while others used it):
# uncached pages the same (~165 req/s), cache hits about half (~3,100 against ~6,000 req/s: an
# event loop and a thread hand-over per request), which is why production keeps the sync worker
# behind nginx. gthread is no cure: a client that trickles its headers holds a thread for as long
# as it likes, and a few of them hold all of one worker's threads (tried: 3 workers x 4 threads
# stalled under 3 idle, 3 trickling and 3 slow-body clients).
if os.environ.get("NO_FRONT_SERVER"):
    worker_class = "asgi"
    wsgi_app = "faxeif.asgi:application"
    asgi_lifespan = "off"

# 3 workers on 2 cores. Throughput is bound by the 2 cores: 2, 3 and 4 workers served the same
# requests/s within the machine's noise, and every worker costs ~105 MB. The third keeps both
# cores busy while one worker waits on the database or renders image renditions (seconds for a
# page with newly uploaded images), without the time-slicing of more processes than cores.
# WEB_CONCURRENCY overrides it (e.g. on a bigger machine: about cores + 1).
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))

# Import Django and Wagtail once in the master and fork the workers from it. Each worker's peak
# resident memory falls from ~115 to ~105 MB (pages shared with the master), and above all a
# recycled worker (max_requests below) is ready at once instead of importing the site again
# (about a second of CPU): recycling every 2,000 (+200) requests under a flood of cached requests
# cost a p99 of 13 ms with preloading and 2,260 ms without. Nothing opens a database connection at
# import time. Consequence: `kill -HUP` does not load new code; restart the service on a deploy.
preload_app = True

# Recycle a worker after 100,000 (+ up to 10,000, so that they do not all restart together)
# requests: a safety net against slow leaks, not a memory cure (post_fork below is that). A
# recycle costs: the new worker starts with an empty in-process index of verified cache entries
# and touches the pages it shares with the master. Measured (scripts/bench/tune.py, cached
# Baggrund): max_requests 10,000 recycled a worker every few seconds under a flood of cache hits
# and served 4,972 req/s with a p99 of 559 ms; 100,000 served 5,964 req/s with a p99 of 2.4 ms,
# the same as no recycling (5,842 req/s, 2.3 ms).
max_requests = 100_000
max_requests_jitter = 10_000


def pre_fork(server, worker):
    """Before each worker is forked from the preloaded master: move every object the master
    made since faxeif.startup froze Django's and Wagtail's start-up (the WSGI handler and its
    middleware, gunicorn's own) into the garbage collector's permanent generation too. The
    collector then never walks them in the workers (a full collection walked the whole
    preloaded heap, a cost the bare WSGI app never pays) and never writes to their pages, which
    stay shared with the master instead of being copied into each worker."""
    import gc

    gc.freeze()


def post_fork(server, worker):
    """Let each worker give back the memory that rendering image renditions takes.

    glibc raises its mmap threshold after the first large buffer is freed, so later image
    buffers (decoding and encoding a 1600-px photo to AVIF, WebP and JPEG) come from the heap
    and stay resident after they are freed: a worker that rendered renditions held ~205 MB until
    it was replaced, against ~100 MB. A fixed threshold keeps large buffers in their own mappings,
    which go back to the system when freed."""
    import ctypes
    import ctypes.util

    if (libc := ctypes.util.find_library("c")) is None:
        return
    m_mmap_threshold = -3  # mallopt's parameter number in glibc's malloc.h
    try:
        ctypes.CDLL(libc).mallopt(m_mmap_threshold, 128 * 1024)
    except AttributeError:  # not glibc (musl has no mallopt): nothing to tune
        pass


# A request may render renditions for every new image on a page (9 per image: AVIF, WebP and JPEG
# at three widths, ~2.3 s per 1600-px photo here), so allow 60 s before a worker is killed. (The
# asgi worker of make run keeps answering its heartbeat while a request runs: no kill there.)
timeout = 60
# On stop or restart, requests in progress get 30 s to finish.
graceful_timeout = 30
# Only for keep-alive capable workers (make run's asgi worker); sync workers close each connection.
keepalive = 5

# The worker heartbeat file on tmpfs, so a slow disk cannot make a worker look hung.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"

# gunicorn 27 opens a control socket under ~/.gunicorn/ by default; two servers started by one
# user collide on it. This site does not use it.
control_socket_disable = True

# No access log by default: the front server logs requests, and writing a line per request costs
# gunicorn throughput. `--access-logfile -` turns it on (make run does). Errors go to stderr.
accesslog = None
errorlog = "-"


# Scheduled publishing: Wagtail publishes a page whose go-live time has come, and unpublishes one
# whose expiry has, only when its publish_scheduled command runs. Production runs it once per
# site from a systemd timer (deploy/systemd/), not once per app server. `make run` has no timer,
# so it sets PUBLISH_SCHEDULED_EVERY=60 and the master starts a process that runs the command at
# every whole minute (manage.py publish_scheduled_loop, which sends the review reminders that
# have fallen due too: once per date), and stops it when gunicorn stops.
#
# E-mails (sign-up confirmations, seat mails, reminders) are queued by the requests and sent by a
# worker (mail/tasks.py). Production runs it as a service of its own
# (deploy/systemd/faxeif-worker.service); `make run` sets RUN_TASK_WORKER=1 and the master
# starts it beside the scheduler (manage.py mail_worker: db_worker for the "mail" backend).
#
# Each child ends by itself too when the master dies without stopping it (it watches its parent),
# and Ctrl-C reaches it directly (it is in gunicorn's process group).
_children = {}


def when_ready(server):
    if interval := os.environ.get("PUBLISH_SCHEDULED_EVERY"):
        command = ["publish_scheduled_loop", f"--interval={interval}"]
        _start_child(server, command, f"Publishing scheduled pages every {interval} s")
    if os.environ.get("RUN_TASK_WORKER") == "1":
        _start_child(server, ["mail_worker", "--no-reload"], "Sending queued e-mails")


def _start_child(server, command, what):
    import subprocess
    import sys

    # The child gets the settings module the site was loaded with (faxeif.wsgi sets its
    # default) through the environment, and the master's pid: it may die before the child runs.
    command = [sys.executable, "manage.py", *command, f"--parent={os.getpid()}"]
    here = os.path.dirname(os.path.abspath(__file__))
    process = _children[command[2]] = subprocess.Popen(command, cwd=here)
    server.log.info("%s (pid %s)", what, process.pid)


def on_exit(server):
    for process in _children.values():
        process.terminate()
    while _children:
        process = _children.popitem()[1]
        try:
            process.wait(timeout=graceful_timeout)
        except Exception:  # still running, or already reaped by the master's SIGCHLD handling
            process.kill()
