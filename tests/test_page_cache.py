"""The full-page cache: anonymous page views come from the cache without touching the database,
and every change an editor makes shows on the very next request."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test import Client, RequestFactory
from django.test.client import ClientHandler
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from pagecache import cache as cache_module
from pagecache.cache import PageCacheWSGI, _is_cacheable_response
from pages.models import ContentPage, PhasePage
from tests.support.html import text_of


def get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    response.queries = len(queries.captured_queries)
    return response


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/baggrund/", "/faser/", "/faser/det-ny-faxe/", "/kontakt/"])
def test_second_anonymous_view_is_a_hit_without_queries(client, seeded, url):
    first = get(client, url)
    assert first["X-Cache"] == "MISS" and first.queries > 0
    second = get(client, url)
    assert second["X-Cache"] == "HIT"
    assert second.queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies


@pytest.mark.django_db
def test_head_requests_are_answered_from_the_cache_without_a_body(client, seeded):
    client.get("/baggrund/")
    response = client.head("/baggrund/")
    assert response["X-Cache"] == "HIT"
    assert response.content == b""
    assert int(response["Content-Length"]) > 1000


@pytest.mark.django_db
def test_pages_revalidate_with_an_etag_and_get_304(client, seeded):
    first = client.get("/baggrund/")
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    etag = first["ETag"]
    for _ in range(2):  # from the render that fills the cache, then from the cache
        response = client.get("/baggrund/", headers={"If-None-Match": etag})
        assert response.status_code == 304
        assert response.content == b""
    assert client.get("/baggrund/", headers={"If-None-Match": '"old"'}).status_code == 200


@pytest.mark.django_db
def test_publishing_shows_on_the_very_next_request(client, seeded):
    client.get("/baggrund/")
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Nyt fra procesleder."
    baggrund.save_revision()  # a draft changes nothing for visitors
    assert "Nyt fra procesleder." not in text_of(client.get("/baggrund/"))
    baggrund.get_latest_revision().publish()
    response = client.get("/baggrund/")
    assert response["X-Cache"] == "MISS"
    assert "Nyt fra procesleder." in text_of(response)


@pytest.mark.django_db
def test_an_invalidation_by_another_worker_shows_on_the_very_next_request(client, seeded):
    # Each worker remembers the pages it has verified while the generation stays the same; another
    # worker's invalidation reaches it through the shared cache alone (here a cache object of its
    # own writing the generation's file, as another process does).
    client.get("/baggrund/")
    assert get(client, "/baggrund/").queries == 0  # verified and remembered
    Page.objects.filter(pk=seeded["baggrund"].pk).update(title="Baggrunden")
    other_worker = caches.create_connection(cache_module.VERSIONS_ALIAS)
    renewed = [cache_module._version_key(cache_module.SITE), cache_module._generation_key()]
    other_worker.set_many(dict.fromkeys(renewed, "from another worker"), timeout=None)
    response = client.get("/baggrund/")
    assert response["X-Cache"] == "MISS" and "Baggrunden" in text_of(response, "h1")


@pytest.mark.django_db
def test_publishing_a_phase_updates_every_page_that_shows_it(client, seeded):
    for url in ("/baggrund/", "/faser/", "/faser/det-ny-faxe/", "/kontakt/"):
        client.get(url)
    phase = PhasePage.objects.get(slug="det-ny-faxe")
    phase.title = "Det nye Faxe"
    phase.save_revision().publish()
    for url in ("/baggrund/", "/faser/", "/faser/det-ny-faxe/"):
        assert "Det nye Faxe" in text_of(client.get(url)), url
    # Pages that do not show the phase keep their cached copy.
    assert client.get("/kontakt/")["X-Cache"] == "HIT"


@pytest.mark.django_db
def test_renaming_a_section_updates_the_menu_on_every_page(client, seeded):
    client.get("/kontakt/")
    baggrund = seeded["baggrund"]
    baggrund.title = "Baggrunden"
    baggrund.save_revision().publish()
    menu = text_of(client.get("/kontakt/"), "nav.main-nav")
    assert "Baggrunden" in menu


@pytest.mark.django_db
def test_a_sections_new_teaser_shows_on_the_home_page_at_once(client, seeded):
    client.get("/")
    assert client.get("/")["X-Cache"] == "HIT"
    baggrund = seeded["baggrund"]
    baggrund.search_description = "Hvorfor kulturprocessen begyndte, kort fortalt."
    baggrund.save_revision().publish()
    home = client.get("/")
    assert "Hvorfor kulturprocessen begyndte, kort fortalt." in text_of(home, "main")
    assert client.get("/")["X-Cache"] == "HIT"


@pytest.mark.django_db
def test_unpublishing_removes_the_page_and_its_menu_link_at_once(client, seeded):
    client.get("/")
    client.get("/kontakt/")
    seeded["kontakt"].unpublish()
    assert client.get("/kontakt/").status_code == 404
    assert 'href="/kontakt/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_deleting_and_moving_pages_update_what_shows_them(client, seeded):
    client.get("/")
    client.get("/faser/")
    seeded["phases"][0].delete()
    assert "Lidt forhistorie" not in text_of(client.get("/faser/"))

    baggrund = Page.objects.get(slug="baggrund")
    baggrund.move(seeded["faser"].specific, pos="last-child")
    assert 'href="/baggrund/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_changing_the_slug_updates_links_everywhere(client, seeded):
    client.get("/")
    baggrund = ContentPage.objects.get(slug="baggrund")
    baggrund.slug = "historien"
    baggrund.save_revision().publish()
    html = client.get("/").content.decode()
    assert 'href="/historien/"' in html and 'href="/baggrund/"' not in html


@pytest.mark.django_db
def test_saving_a_contact_updates_the_footer_of_every_page(client, seeded):
    for url in ("/", "/faser/", "/aktiviteter/", "/baggrund/"):
        client.get(url)
    person = seeded["process_leader"]
    person.phone = "56 20 30 00"
    person.save()
    for url in ("/", "/faser/", "/aktiviteter/"):
        assert "56 20 30 00" in text_of(client.get(url), "footer"), url
    # Baggrund's contact card shows the person, in place of the footer's contacts.
    assert "56 20 30 00" in text_of(client.get("/baggrund/"), ".contact-card")


@pytest.mark.django_db
def test_logged_in_editors_bypass_the_cache(procesleder_client, seeded):
    client = Client()  # an anonymous visitor beside the logged-in editor
    client.get("/baggrund/")
    response = procesleder_client.get("/baggrund/")
    assert response["X-Cache"] == "MISS"
    assert "private" in response["Cache-Control"]
    assert "wagtail-userbar" in response.content.decode()
    # ...and what they saw is never served to visitors.
    visitor = client.get("/baggrund/")
    assert visitor["X-Cache"] == "HIT"
    assert "wagtail-userbar" not in visitor.content.decode()


@pytest.mark.django_db
def test_posts_and_error_pages_are_not_cached(client, seeded):
    assert client.post("/baggrund/")["X-Cache"] == "MISS"
    client.get("/findes-ikke/")
    assert client.get("/findes-ikke/")["X-Cache"] == "MISS"


def test_responses_that_set_cookies_are_not_cached():
    from django.http import HttpResponse

    response = HttpResponse("<p>hej</p>")
    assert _is_cacheable_response(response)
    response.set_cookie("valg", "1")
    assert not _is_cacheable_response(response)


class Django:
    """Stands for Django behind PageCacheWSGI: records the requests that reach it."""

    def __init__(self):
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"from Django"]


def wsgi_get(app, path, method="GET", secure=False, **headers):
    environ = RequestFactory().generic(method, path, secure=secure, headers=headers).environ
    answer = {}

    def start_response(status, response_headers):
        answer["status"], answer["headers"] = status, dict(response_headers)

    with CaptureQueriesContext(connection) as queries:
        answer["body"] = b"".join(app(environ, start_response))
    answer["queries"] = len(queries.captured_queries)
    return answer


@pytest.mark.django_db
def test_gunicorn_gets_hits_in_front_of_django_with_every_header(client, seeded):
    django = Django()
    app = PageCacheWSGI(django)
    assert wsgi_get(app, "/baggrund/")["body"] == b"from Django"  # not cached yet
    rendered = client.get("/baggrund/")

    hit = wsgi_get(app, "/baggrund/")
    assert hit["status"] == "200 OK" and hit["headers"]["X-Cache"] == "HIT"
    assert hit["body"] == rendered.content and hit["queries"] == 0
    assert hit["headers"]["Content-Length"] == str(len(rendered.content))
    for header in ("Content-Type", "ETag", "Cache-Control", "X-Content-Type-Options"):
        assert hit["headers"][header] == rendered[header]

    head = wsgi_get(app, "/baggrund/", method="HEAD")
    assert (
        head["body"] == b""
        and head["headers"]["Content-Length"] == hit["headers"]["Content-Length"]
    )
    revalidated = wsgi_get(app, "/baggrund/", If_None_Match=rendered["ETag"])
    assert revalidated["status"] == "304 Not Modified" and revalidated["body"] == b""
    assert revalidated["headers"]["ETag"] == rendered["ETag"]
    assert django.calls == 1

    # Editors, and pages changed since: Django answers.
    wsgi_get(app, "/baggrund/", Cookie="sessionid=abc")
    assert django.calls == 2
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Nyt fra procesleder."
    baggrund.save_revision().publish()
    assert wsgi_get(app, "/baggrund/")["body"] == b"from Django"
    assert "Nyt fra procesleder." in text_of(client.get("/baggrund/"))
    assert "Nyt fra procesleder." in wsgi_get(app, "/baggrund/")["body"].decode()
    assert django.calls == 3


def django_in_process(environ, start_response):
    """Django as gunicorn runs it behind PageCacheWSGI, in the test's own database transaction
    (the test client's handler: it keeps the connection open between requests)."""
    response = ClientHandler()(environ)
    start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
    return [response.content]


@pytest.mark.django_db
def test_a_page_missing_from_the_cache_is_looked_up_once(seeded, monkeypatch):
    lookups, look_up = [], cache_module.cached_page

    def counted(environ):
        lookups.append(environ["PATH_INFO"])
        return look_up(environ)

    monkeypatch.setattr(cache_module, "cached_page", counted)
    app = PageCacheWSGI(django_in_process)
    assert wsgi_get(app, "/baggrund/")["headers"]["X-Cache"] == "MISS"
    assert lookups == ["/baggrund/"]  # by PageCacheWSGI; the middleware only renders and stores
    assert wsgi_get(app, "/baggrund/")["headers"]["X-Cache"] == "HIT"
    assert lookups == ["/baggrund/"] * 2


@pytest.mark.django_db
def test_a_query_string_the_page_does_not_read_is_the_same_entry_another_scheme_is_not(
    client, seeded
):
    app = PageCacheWSGI(Django())
    client.get("/baggrund/")
    assert wsgi_get(app, "/baggrund/")["headers"]["X-Cache"] == "HIT"
    for junk in ("?side=2", "?utm_source=nyhedsbrev&utm_medium=mail", "?x=" + "y" * 5000):
        hit = wsgi_get(app, "/baggrund/" + junk)
        assert hit["headers"]["X-Cache"] == "HIT", junk
        assert "Baggrund" in hit["body"].decode(), junk
    assert wsgi_get(app, "/baggrund/", secure=True)["body"] == b"from Django"
    assert app.application.calls == 1


REAL_PAGES = ["/", "/baggrund/", "/faser/", "/faser/det-ny-faxe/", "/kontakt/", "/fortaellinger/"]


def cache_files(alias="default") -> dict[str, bytes]:
    folder = Path(settings.CACHES[alias]["LOCATION"])
    return {path.name: path.read_bytes() for path in folder.glob("*.djcache")}


@pytest.mark.django_db
def test_thousands_of_made_up_query_strings_store_nothing_and_real_pages_stay_cached(
    client, seeded
):
    for url in REAL_PAGES:
        client.get(url)
    stored = cache_files()
    for n in range(2_000):
        url = f"{REAL_PAGES[n % len(REAL_PAGES)]}?x={n}&utm_source={n}&side{n}=1"
        assert client.get(url)["X-Cache"] == "HIT", url
    assert cache_files().keys() == stored.keys()
    for url in REAL_PAGES:
        assert client.get(url)["X-Cache"] == "HIT", url


@pytest.mark.django_db
def test_a_full_page_cache_is_culled_but_never_loses_a_dependency_version(client, seeded, settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            **settings.CACHES["default"],
            "OPTIONS": {"MAX_ENTRIES": 40, "CULL_FREQUENCY": 2},
        },
    }
    for url in REAL_PAGES:
        client.get(url)
    versions = cache_files("pagecache_versions")
    assert versions  # the generation and the pages' dependency keys

    # Each distinct search is a page of its own: they fill the cache, which culls half of it,
    # pages and all, several times over.
    for n in range(120):
        assert client.get(f"/soeg/?q=samskabelse{n}").status_code == 200
    assert len(cache_files()) <= 40 + 2

    # Every version is still there, unchanged (the searches may have added their own).
    assert versions.items() <= cache_files("pagecache_versions").items()
    for url in REAL_PAGES:  # a culled page is rendered once more, then cached again
        if client.get(url)["X-Cache"] == "MISS":
            assert client.get(url)["X-Cache"] == "HIT", url


@pytest.mark.django_db
def test_a_deploy_with_a_new_stylesheet_renders_pages_afresh(client, seeded, settings, tmp_path):
    # A page cached before the deploy links the old stylesheet; after it (a new static files
    # manifest, new processes) the same address is rendered again, not taken from the cache.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.1.css"}}')
    cache_module.release.cache_clear()
    client.get("/baggrund/")
    assert client.get("/baggrund/")["X-Cache"] == "HIT"
    (tmp_path / "staticfiles.json").write_text('{"paths": {"css/site.css": "css/site.2.css"}}')
    cache_module.release.cache_clear()  # what a new worker process starts with
    try:
        assert client.get("/baggrund/")["X-Cache"] == "MISS"
    finally:
        cache_module.release.cache_clear()
