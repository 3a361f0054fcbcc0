"""The site when its database fails: /healthz says so, cached pages go on, everything else gets
a Danish 503 page at once, and the site recovers by itself when the database is back."""

import sqlite3
import uuid

import pytest
from django.db import connections

from tests.support.databases import ThrowawayPostgres, on_postgres, seeded_sqlite_file
from tests.support.processes import editor_session, site_env, start_gunicorn, stop_gunicorn
from tests.support.visitors import http

UNAVAILABLE = "Siden er midlertidigt utilgængelig"
CACHED_PAGE = "/baggrund/"
UNCACHED_PAGE = "/faser/"


def test_healthz_answers_ok_as_plain_text_never_cached_without_cookies(client, db):
    for _ in range(2):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.content == b"ok\n"
        assert response["Content-Type"].startswith("text/plain")
        assert "no-store" in response["Cache-Control"]
        assert response.get("X-Cache") != "HIT"
        assert not response.cookies


class SqliteOutage:
    """The database file goes missing: moved away (the site must not create a new empty one in
    its place)."""

    def __init__(self, tmp):
        self.path = tmp / "site.sqlite3"
        self.away = tmp / "site.sqlite3.away"
        self.url = seeded_sqlite_file(self.path)

    @property
    def stopped(self) -> bool:
        return self.away.exists()

    def stop(self):
        self.path.rename(self.away)

    def start(self):
        assert not self.path.exists(), "the site made a new database in place of the missing one"
        self.away.rename(self.path)

    def remove(self):
        self.path.unlink(missing_ok=True)


class PostgresOutage:
    """The whole throwaway PostgreSQL server stops, the test suite's own database with it."""

    def __init__(self, tmp):
        self.server = ThrowawayPostgres()
        self.name = f"outage_{uuid.uuid4().hex[:8]}"
        self.url = self.server.create_database(self.name, seeded=True)
        self.stopped = False

    def stop(self):
        self.stopped = True
        self.server.stop()

    def start(self):
        self.server.start()
        self.stopped = False

    def remove(self):
        self.server.drop_database(self.name)


@pytest.fixture
def outage(tmp_path, django_db_blocker):
    database = PostgresOutage(tmp_path) if on_postgres() else SqliteOutage(tmp_path)
    try:
        yield database
    finally:
        if database.stopped:
            database.start()
        # The test suite's own connection died with the server: the next test opens a new one.
        with django_db_blocker.unblock():
            connections.close_all()
        database.remove()


def test_database_outage_cached_pages_stay_the_rest_is_a_quick_503_and_the_site_recovers(
    tmp_path, outage
):
    env = site_env(tmp_path, outage.url)
    session_key = editor_session(env)
    editor = f"sessionid={session_key}"
    log = open(tmp_path / "gunicorn.log", "wb")
    server, base = start_gunicorn(env, stdout=log, stderr=log)
    try:
        # Before: the page is cached; /healthz and the editor's admin answer.
        assert http(base + CACHED_PAGE).status == 200
        assert http(base + CACHED_PAGE).headers["X-Cache"] == "HIT"
        assert http(base + "/healthz").text == "ok\n"
        assert http(base + "/admin/", cookie=editor).status == 200

        outage.stop()
        try:
            during = {
                "cached": http(base + CACHED_PAGE, timeout=10),
                "uncached": http(base + UNCACHED_PAGE, timeout=10),
                "healthz": http(base + "/healthz", timeout=10),
                "editor": http(base + "/admin/", cookie=editor, timeout=10),
                "uncached again": http(base + UNCACHED_PAGE, timeout=10),
            }
        finally:
            outage.start()

        cached = during.pop("cached")
        assert (cached.status, cached.headers["X-Cache"]) == (200, "HIT")
        assert "Baggrund" in cached.text
        health = during.pop("healthz")
        assert health.status == 503 and health.seconds < 1
        assert health.headers["Retry-After"].isdigit()
        assert health.headers["Content-Type"].startswith("text/plain")
        for what, answer in during.items():
            assert answer.status == 503, what
            assert answer.seconds < 1, what
            assert answer.headers["Retry-After"].isdigit(), what
            assert "no-store" in answer.headers["Cache-Control"], what
            assert UNAVAILABLE in answer.text, what
            assert 'lang="da"' in answer.text, what
            assert "Traceback" not in answer.text, what

        # After: the same gunicorn, no restart; every worker finds the database again.
        for _ in range(4):
            assert http(base + UNCACHED_PAGE).status == 200
            assert http(base + "/healthz").text == "ok\n"
            assert http(base + "/admin/", cookie=editor).status == 200
        assert server.poll() is None
    finally:
        stop_gunicorn(server)
        log.close()


class SqliteFile:
    """The ways a SQLite file can become unusable under a running site, each with its mend."""

    def __init__(self, path):
        self.path, self.away = path, path.with_name(path.name + ".away")
        self.holder = None

    def missing(self):
        self.path.rename(self.away)

    def not_a_database(self):
        self.path.rename(self.away)
        self.path.write_bytes(b"Dette er ikke en database.\n" * 1000)

    def locked(self):
        """Another process holds the whole file (an exclusive lock: nobody reads or writes)."""
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("PRAGMA locking_mode = EXCLUSIVE")
        self.holder.execute("BEGIN EXCLUSIVE")

    def written_to(self):
        """Another process holds the write lock: readers go on, writers wait."""
        self.holder = sqlite3.connect(self.path, isolation_level=None)
        self.holder.execute("BEGIN IMMEDIATE")

    def mend(self):
        if self.holder is not None:
            self.holder.close()
            self.holder = None
        if self.away.exists():
            assert not self.path.is_dir()
            self.path.unlink(missing_ok=True)
            self.away.rename(self.path)


@pytest.mark.sqlite_only
def test_a_sqlite_file_unusable_in_any_way_answers_the_503_page_within_a_second(tmp_path):
    path = tmp_path / "site.sqlite3"
    env = site_env(tmp_path, seeded_sqlite_file(path))
    database = SqliteFile(path)
    log = open(tmp_path / "gunicorn.log", "wb")
    server, base = start_gunicorn(env, stdout=log, stderr=log)
    try:
        assert http(base + CACHED_PAGE).status == 200
        for way in (database.missing, database.not_a_database, database.locked):
            way()
            try:
                for url in (UNCACHED_PAGE, "/healthz", "/aktiviteter/", "/admin/login/"):
                    answer = http(base + url)
                    assert (answer.status, way.__name__, url) == (503, way.__name__, url)
                    assert answer.seconds < 1, (way.__name__, url, answer.seconds)
                    assert answer.headers["Retry-After"].isdigit()
                    if url != "/healthz":
                        assert UNAVAILABLE in answer.text and "Traceback" not in answer.text
                cached = http(base + CACHED_PAGE)
                assert (cached.status, cached.headers["X-Cache"]) == (200, "HIT"), way.__name__
                if way == database.missing:
                    assert not path.exists(), "the site made a new, empty database"
            finally:
                database.mend()
            # Mended: the site is back at once (a page not in the cache, so the next way still
            # finds the others uncached).
            assert http(f"{base}/soeg/?q={way.__name__}").status == 200, way.__name__
            assert http(base + "/healthz").text == "ok\n", way.__name__

        # Another process writing: pages are read as before, the health check says that
        # nothing can be written now, and both answer at once.
        database.written_to()
        try:
            page, health = http(base + UNCACHED_PAGE), http(base + "/healthz")
        finally:
            database.mend()
        assert page.status == 200 and page.seconds < 1
        assert health.status == 503 and health.seconds < 1
        assert http(base + "/healthz").status == 200
        assert server.poll() is None
    finally:
        stop_gunicorn(server)
        log.close()
