"""Redis (REDIS_URL: the page cache shared by the app servers) refusing connections: a visitor
gets the Danish 503 page, from Django and from the page cache's lookup in front of it (faxeif.wsgi),
never a 500 or gunicorn's bare error. tests/stack/ stops and starts a real Redis."""

import io

import pytest
from django.core.cache import caches
from django.test import override_settings

from faxeif.wsgi import application
from tests.support.processes import free_port

UNAVAILABLE = "Siden er midlertidigt utilgængelig"

# The cache tests are about the cache, whichever database is behind it.
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def redis_refusing():
    """Both caches on a Redis port where nothing listens."""
    url = f"redis://127.0.0.1:{free_port()}/0"
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    with override_settings(CACHES={"default": backend, "pagecache_versions": backend}):
        for alias in ("default", "pagecache_versions"):
            caches[alias].close()
            del caches[alias]
        yield
    for alias in ("default", "pagecache_versions"):
        caches[alias].close()
        del caches[alias]


def wsgi_get(path: str) -> tuple[str, str]:
    """A GET through the site's WSGI application as gunicorn calls it: status and body."""
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": io.StringIO(),
    }
    body = b"".join(application(environ, start_response))
    return answer["status"], body.decode()


@pytest.mark.django_db
def test_a_page_while_redis_refuses_is_the_branded_503(redis_refusing, seeded, client):
    # Looked up by the page cache in front of Django (faxeif.wsgi).
    status, body = wsgi_get("/baggrund/")
    assert status.startswith("503")
    assert UNAVAILABLE in body
    # Rendered by Django (a session cookie), whose page cache middleware asks Redis too.
    client.raise_request_exception = False
    client.cookies["sessionid"] = "x"
    response = client.get("/baggrund/")
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
