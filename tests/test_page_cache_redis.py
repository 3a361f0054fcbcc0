"""The page cache on Redis (Django's RedisCache, chosen by REDIS_URL): a real redis-server, started
by the test on a unix socket of its own, behaves as the file cache does: hits without queries,
the very next request after a publish shows it, and hits answered in front of Django."""

import shutil
import subprocess
import time

import pytest
import redis
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from pagecache.cache import PageCacheWSGI
from tests.support.html import text_of
from tests.support.processes import require

# The cache is Redis whichever database the pages come from: the SQLite pass only.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = shutil.which("redis-server")
    require(server is not None, "redis-server (Debian's redis-server)")
    folder = tmp_path_factory.mktemp("redis")
    socket = folder / "redis.sock"
    process = subprocess.Popen(
        [server, "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700"]
        + ["--save", "", "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
    )
    url = f"unix://{socket}"
    try:
        deadline = time.monotonic() + 10
        while not socket.exists():
            assert process.poll() is None and time.monotonic() < deadline, "redis did not start"
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def on_redis(settings, redis_url):
    redis_cache = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    settings.CACHES = {"default": redis_cache, "pagecache_versions": redis_cache}
    server = redis.Redis.from_url(redis_url)
    server.flushall()
    yield server
    server.flushall()


def get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    response.queries = len(queries.captured_queries)
    return response


@pytest.mark.django_db
def test_pages_are_kept_in_redis_and_hits_make_no_queries(client, seeded, on_redis):
    assert get(client, "/baggrund/")["X-Cache"] == "MISS"
    assert any(b"pagecache:page:" in key for key in on_redis.keys("*"))
    hit = get(client, "/baggrund/")
    assert hit["X-Cache"] == "HIT" and hit.queries == 0


@pytest.mark.django_db
def test_a_publish_shows_on_the_very_next_request_from_redis(client, seeded, on_redis):
    client.get("/baggrund/")
    client.get("/")
    baggrund = seeded["baggrund"]
    baggrund.title = "Baggrunden"
    baggrund.save_revision().publish()
    assert "Baggrunden" in text_of(client.get("/baggrund/"), "h1")
    assert "Baggrunden" in text_of(client.get("/"), "nav")  # the menu on another page


@pytest.mark.django_db
def test_gunicorn_gets_hits_from_redis_in_front_of_django(client, seeded, on_redis):
    rendered = client.get("/faser/")
    answer = {}

    def start_response(status, headers):
        answer.update(headers, status=status)

    environ = RequestFactory().get("/faser/").environ
    body = b"".join(PageCacheWSGI(None)(environ, start_response))
    assert answer["status"] == "200 OK" and answer["X-Cache"] == "HIT"
    assert body == rendered.content


@pytest.mark.django_db
def test_a_full_redis_evicts_pages_never_the_dependency_versions(client, seeded, on_redis):
    """With maxmemory-policy volatile-lru (README) Redis evicts only keys with a timeout: every
    page has one, the dependency versions none."""
    pages = ["/", "/baggrund/", "/faser/", "/kontakt/"]
    for url in pages:
        client.get(url)
    versions = {key: on_redis.get(key) for key in on_redis.keys("*pagecache:v:*")}
    assert versions
    limit = on_redis.info("memory")["used_memory"] + 400_000
    on_redis.config_set("maxmemory-policy", "volatile-lru")
    on_redis.config_set("maxmemory", limit)
    try:
        for n in range(150):  # distinct searches, ~8 kB each: three times the room left
            assert client.get(f"/soeg/?q=samskabelse{n}").status_code == 200
        assert on_redis.info("stats")["evicted_keys"] > 0
        after = {key: on_redis.get(key) for key in on_redis.keys("*pagecache:v:*")}
        assert versions.items() <= after.items()  # the search adds one: "pages"
        for url in pages:  # an evicted page is rendered once more, then cached again
            if client.get(url)["X-Cache"] == "MISS":
                assert client.get(url)["X-Cache"] == "HIT", url
    finally:
        on_redis.config_set("maxmemory", 0)
