"""`make run` from a fresh database, as a developer or a small site runs it without a front
server: slow clients do not stall it, scheduled pages go live and expire by themselves (and the
page cache follows), and stopping it leaves nothing running."""

import gzip
import os
import re
import signal
import time
import urllib.request

import brotli
import pytest

from tests.support.databases import site_database
from tests.support.processes import (
    interrupt,
    kill_group,
    manage,
    running_processes,
    start_gunicorn,
    start_make_run,
    stop_gunicorn,
    wait_until_gone,
)
from tests.support.visitors import SlowClients, assert_served_promptly, http, ten_visitors

# make run's own set-up: SQLite is its default, and its processes do not depend on it.
pytestmark = pytest.mark.sqlite_only

# make run publishes every minute (PUBLISH_SCHEDULED_EVERY=60); the test asks for every second,
# and a page must then be public (or gone) within this many seconds of its time.
SCHEDULER_INTERVAL = 1
SCHEDULER_LATE = 5.0


@pytest.fixture(scope="module")
def make_run(tmp_path_factory):
    """`make run` on a database of its own; its process, base URL and environment."""
    tmp = tmp_path_factory.mktemp("make-run")
    with site_database(tmp) as database_url:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "CACHE_DIR": str(tmp / "cache"),
            "SECRET_KEY": "make-run-test-not-secret",
            "ADMIN_PASSWORD": "make-run-test-kodeord-42",
            "PUBLISH_SCHEDULED_EVERY": str(SCHEDULER_INTERVAL),
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)  # make run chooses its own
        process, base_url = start_make_run(env, tmp / "make-run.log")
        try:
            yield {
                "process": process,
                "base_url": base_url,
                "env": {**env, "DJANGO_SETTINGS_MODULE": "faxeif.settings.dev"},
                "log": tmp / "make-run.log",
            }
        finally:
            if process.poll() is None:
                kill_group(process)


def test_slow_clients_do_not_stall_make_run(make_run):
    base_url = make_run["base_url"]
    port = int(base_url.rsplit(":", 1)[1])
    http(base_url + "/baggrund/")  # now in the page cache

    # 12 connections against 3 workers: with sync workers 3 idle ones stalled every request.
    with SlowClients("127.0.0.1", port, each=4) as slow:
        time.sleep(1)
        # Other visitors: the cached page, and the page rendered anew (a session cookie).
        visits = ten_visitors(base_url + "/baggrund/")
        still_waiting = slow.waiting()

    assert_served_promptly(visits, "Hvad satte det i gang?")
    # The slow clients were still there all along, holding their connections.
    assert still_waiting == {"idle": 4, "trickling": 8}


def static_file(url: str, encoding: str) -> tuple[dict, bytes]:
    """A static file as a browser that accepts `encoding` gets it: the headers and the bytes."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.headers, response.read()


DECODE = {"br": brotli.decompress, "gzip": gzip.decompress}


def test_make_run_serves_static_files_hashed_compressed_and_cached_for_ever(make_run):
    """As the README says: whitenoise serves them with hashed names, gzip and brotli, and
    far-future cache headers; under its own name too, compressed and cached for a short while."""
    base_url = make_run["base_url"]
    page = http(base_url + "/baggrund/").text
    linked = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))
    assert {re.sub(r"\.[0-9a-f]{12}\.", ".", url) for url in linked} == {
        "/static/img/favicon.svg",
        "/static/img/favicon.ico",
        "/static/img/apple-touch-icon.png",
        "/static/img/logo.svg",
        "/static/site.webmanifest",
        "/static/css/site.css",
        "/static/css/print.css",
        "/static/fonts/FiFSans-Regular.woff2",
        "/static/fonts/FiFSans-SemiBold.woff2",
        "/static/js/menu.js",
    }
    for url in [*linked, "/static/img/favicon.svg"]:
        headers, plain = static_file(base_url + url, "identity")
        assert headers.get("Content-Encoding") is None and len(plain) > 200, url
        for_ever = (
            "max-age=315360000" in headers["Cache-Control"]
            and "immutable" in headers["Cache-Control"]
        )
        assert for_ever == (url in linked), url
        if url.endswith((".woff2", ".png", ".ico")):
            continue  # compressed already: whitenoise serves them as they are
        for encoding, decode in DECODE.items():
            headers, body = static_file(base_url + url, encoding)
            assert headers["Content-Encoding"] == encoding, url
            assert len(body) < len(plain) and decode(body) == plain, url


SCHEDULE_A_PAGE = """
from datetime import timedelta
from django.utils import timezone
from home.models import HomePage
from pages.models import ContentPage

page = HomePage.objects.get().add_child(instance=ContentPage(
    title="Planlagt side", slug="planlagt-side", live=False,
    introduction="Denne side går i luften af sig selv.",
))
page.go_live_at = timezone.now() + timedelta(seconds=8)
page.expire_at = page.go_live_at + timedelta(seconds=10)
page.save_revision().publish()
print(page.go_live_at.timestamp(), page.expire_at.timestamp())
"""


def visit_until(url: str, status: int, until: float) -> tuple[float, dict, list[int]]:
    """Visit `url` until it answers `status` or `until` passes: when that answer came, the
    visit, and the statuses seen before it."""
    seen = []
    while time.time() < until:
        visit = http(url)
        if visit.status == status:
            return time.time(), visit, seen
        seen.append(visit.status)
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer {status} in time; it answered {seen[-5:]}")


def cached(url: str) -> dict:
    """A visit answered from the page cache. The visit that rendered the page may not have
    stored it: a publication renews the cache's keys once more when it commits, and a page
    rendered in between is not kept (it may show the state before)."""
    for _ in range(3):
        if (visit := http(url)).headers.get("X-Cache") == "HIT":
            return visit
    raise AssertionError(f"{url} is not kept in the page cache")


def test_make_run_publishes_and_expires_scheduled_pages_and_the_cache_follows(make_run):
    base_url = make_run["base_url"]
    page_url, other_url = base_url + "/planlagt-side/", base_url + "/baggrund/"
    link = 'href="/planlagt-side/"'  # in the main menu of every page
    printed = manage(make_run["env"], "shell", "-c", SCHEDULE_A_PAGE).splitlines()[-1]
    go_live, expire = map(float, printed.split())

    assert http(page_url).status == 404
    assert link not in cached(other_url).text
    assert time.time() < go_live, "the test was too slow to see the page before its time"

    # It goes live by itself, shortly after its time and not before.
    answered, live, _ = visit_until(page_url, 200, until=go_live + SCHEDULER_LATE)
    assert answered >= go_live
    assert live.headers["X-Cache"] == "MISS"
    assert "Denne side går i luften af sig selv." in live.text
    cached(page_url)
    # Pages cached before it went live show it in their menu now.
    assert link in http(other_url).text

    # It expires by itself: no longer served from the cache, no longer in the menu.
    answered, gone, seen = visit_until(page_url, 404, until=expire + SCHEDULER_LATE)
    assert answered >= expire and set(seen) <= {200}
    assert gone.headers.get("X-Cache") != "HIT"
    after = http(other_url)
    assert after.status == 200 and link not in after.text


DUE_FOR_REVIEW = """
import datetime
from django.contrib.auth.models import User
from django.utils import timezone
from wagtail.models import Page
from review.models import PageReview
owner = User.objects.create_user("ejer", email="ejer@faxekommune.dk", first_name="Ejer")
Page.objects.filter(slug="baggrund").update(owner=owner)
PageReview.objects.filter(page__slug="baggrund").update(
    due=timezone.localdate() - datetime.timedelta(days=1), reminded_for=None)
print(Page.objects.get(slug="baggrund").pk)
"""


def test_make_run_reminds_the_owner_of_a_page_due_for_review_once(make_run):
    """The scheduler beside gunicorn queues review reminders too, and the mail worker beside it
    sends them (make run prints e-mails to its output): one, however many times it runs after
    that."""
    page_id = manage(make_run["env"], "shell", "-c", DUE_FOR_REVIEW).splitlines()[-1]
    reminder = f"Rediger siden: {make_run['base_url']}/admin/pages/{page_id}/edit/"
    deadline = time.time() + SCHEDULER_INTERVAL + SCHEDULER_LATE
    while reminder not in make_run["log"].read_text() and time.time() < deadline:
        time.sleep(0.2)
    time.sleep(3 * SCHEDULER_INTERVAL)  # and the scheduler runs on
    log = make_run["log"].read_text()
    assert log.count(reminder) == 1
    assert "Hej Ejer" in log


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_the_scheduler_ends_with_gunicorn(make_run, signum):
    """gunicorn as make run configures it, stopped (SIGTERM: systemctl stop, kill) or killed
    (SIGKILL): its scheduler, mail worker and workers end with it."""
    env = {**make_run["env"], "NO_FRONT_SERVER": "1", "PUBLISH_SCHEDULED_EVERY": "60"}
    server, _ = start_gunicorn({**env, "RUN_TASK_WORKER": "1"}, workers=2)
    try:
        children = [p for p in running_processes() if p["ppid"] == server.pid]
        assert sum("publish_scheduled_loop" in p["command"] for p in children) == 1
        assert sum("mail_worker" in p["command"] for p in children) == 1
        os.kill(server.pid, signum)
        server.wait(timeout=60)
    finally:
        if server.poll() is None:
            stop_gunicorn(server)
    assert wait_until_gone([p["pid"] for p in children], timeout=10) == []


def test_ctrl_c_stops_make_run_and_leaves_nothing_running(make_run):
    """Runs last: it stops the module's make run."""
    process = make_run["process"]
    group = [p for p in running_processes() if p["pgrp"] == process.pid]
    commands = [p["command"] for p in group]
    assert sum("publish_scheduled_loop" in command for command in commands) == 1
    assert sum("mail_worker" in command for command in commands) == 1
    assert sum("gunicorn" in command for command in commands) == 4  # the master, 3 workers

    interrupt(process)
    assert wait_until_gone([p["pid"] for p in group], timeout=10) == []
