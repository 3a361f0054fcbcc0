"""The page cache's side of a shared HTTP cache (Varnish, settings.VARNISH_PURGE_URLS): which
headers pages carry, and which purges leave when, received by a small HTTP server of the test's
own. tests/test_varnish.py runs the site behind a real Varnish."""

import datetime
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from home.models import HomePage
from pagecache import cache as cache_module
from pagecache.cache import (
    PageCacheMiddleware,
    PageCacheWSGI,
    depends_on,
    invalidate,
    shared_key,
)
from pages.models import ContentPage
from tests.support.showcase_activities import activity_index, open_for_sign_up_until

PUBLIC = "public, max-age=0, must-revalidate"


class Purges(ThreadingHTTPServer):
    """Stands for a Varnish: records the keys of every PURGE it receives and answers 200."""

    def __init__(self):
        self.received: list[set[str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_PURGE(self):
                assert self.path == "/"
                server.received.append(set(self.headers["xkey-purge"].split()))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()

    def keys(self) -> set[str]:
        return set().union(*self.received)


@pytest.fixture
def varnish(settings):
    purges = Purges()
    settings.VARNISH_PURGE_URLS = [purges.url]
    yield purges
    purges.shutdown()
    purges.server_close()


def s_maxage(response) -> int | None:
    found = re.search(r"s-maxage=(\d+)", response["Cache-Control"])
    return int(found.group(1)) if found else None


def xkeys(response) -> set[str]:
    return set(response["xkey"].split())


@pytest.mark.django_db
def test_without_varnish_pages_carry_no_keys_and_no_shared_lifetime(client, seeded):
    miss, hit = client.get("/baggrund/"), client.get("/baggrund/")
    assert (miss["X-Cache"], hit["X-Cache"]) == ("MISS", "HIT")
    for response in (miss, hit):
        assert response["Cache-Control"] == PUBLIC
        assert "xkey" not in response


@pytest.mark.django_db
def test_stored_pages_and_hits_tell_varnish_their_keys_and_lifetime(client, seeded, varnish):
    day = 24 * 60 * 60
    miss = client.get("/baggrund/")
    assert miss["Cache-Control"].startswith(PUBLIC + ", s-maxage=")
    assert day - 5 <= s_maxage(miss) <= day
    assert {f"page:{seeded['baggrund'].pk}", "menu", "site"} <= xkeys(miss)

    hit = client.get("/baggrund/")
    assert hit["X-Cache"] == "HIT" and xkeys(hit) == xkeys(miss)
    assert day - 5 <= s_maxage(hit) <= day

    # gunicorn's hits, in front of Django: the same.
    environ = RequestFactory().get("/baggrund/").environ
    answer = {}
    PageCacheWSGI(None)(environ, lambda status, headers: answer.update(headers))
    assert answer["X-Cache"] == "HIT" and set(answer["xkey"].split()) == xkeys(miss)
    assert answer["Cache-Control"] == hit["Cache-Control"]

    # What is not cached tells Varnish nothing.
    assert "xkey" not in client.get("/findes-ikke/")
    assert "xkey" not in client.post("/baggrund/")


@pytest.mark.django_db
def test_every_key_a_page_shows_is_safe_in_a_header(client, seeded, varnish):
    safe = re.compile(r"[A-Za-z0-9_.:/@+=-]+")
    for url in ("/", "/baggrund/", "/faser/", "/faser/det-ny-faxe/", "/kontakt/", "/soeg/?q=a"):
        keys = xkeys(client.get(url))
        assert keys and all(safe.fullmatch(key) for key in keys), url
    hashed = shared_key("navn med mellemrum, og komma")
    assert safe.fullmatch(hashed) and hashed == shared_key("navn med mellemrum, og komma")


@pytest.mark.django_db
def test_varnish_keeps_a_page_only_until_it_changes_by_itself(client, seeded, varnish, monkeypatch):
    """An activity's sign-up closes in ten minutes: Varnish keeps the page no longer, and a hit
    served five minutes later says so in its own lifetime, not the one stored with the page."""
    closes = timezone.now() + datetime.timedelta(minutes=10)
    activity = open_for_sign_up_until(activity_index(), "Fællesspisning", closes)
    url = activity.url
    miss = client.get(url)
    assert f"until:{int(closes.timestamp())}" in xkeys(miss)
    assert 595 <= s_maxage(miss) <= 600

    later = cache_module.time.time() + 300
    monkeypatch.setattr(cache_module.time, "time", lambda: later)
    hit = client.get(url)
    assert hit["X-Cache"] == "HIT"
    assert 295 <= s_maxage(hit) <= 300


@pytest.mark.django_db
def test_a_page_rendered_while_something_changed_is_not_kept_by_varnish(seeded, varnish):
    def rendered_during_a_publish(request):
        invalidate("menu")
        return HttpResponse("<p>Hej</p>", content_type="text/html")

    def rendered(request):
        return HttpResponse("<p>Hej</p>", content_type="text/html")

    request = RequestFactory().get("/side/")
    during = PageCacheMiddleware(rendered_during_a_publish)(request)
    assert during["Cache-Control"] == PUBLIC and "xkey" not in during
    after = PageCacheMiddleware(rendered)(RequestFactory().get("/side/"))
    assert s_maxage(after) > 0 and xkeys(after) == {"site"}


@pytest.mark.django_db
def test_a_page_showing_more_keys_than_a_header_holds_is_left_to_the_app(seeded, varnish):
    """Varnish fails a fetch whose header is longer than http_resp_hdr_len (8 KB by default)."""

    def showing_many_images(request):
        depends_on(*(f"image:{n}" for n in range(1, 2000)))
        return HttpResponse("<p>Billeder</p>", content_type="text/html")

    response = PageCacheMiddleware(showing_many_images)(RequestFactory().get("/billeder/"))
    assert response["Cache-Control"] == PUBLIC and "xkey" not in response
    hit = PageCacheMiddleware(showing_many_images)(RequestFactory().get("/billeder/"))
    assert hit["X-Cache"] == "HIT" and hit["Cache-Control"] == PUBLIC


@pytest.mark.django_db
def test_purges_leave_only_after_the_commit(
    client, seeded, varnish, django_capture_on_commit_callbacks
):
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Nyt fra procesleder."
    with django_capture_on_commit_callbacks(execute=True):
        baggrund.save_revision().publish()
        assert varnish.received == []  # still in the transaction
    assert f"page:{baggrund.pk}" in varnish.keys()

    # A change that is rolled back purges nothing.
    varnish.received.clear()
    with django_capture_on_commit_callbacks(execute=False):
        baggrund.save_revision().publish()
    assert varnish.received == []


@pytest.mark.django_db
def test_a_menu_change_purges_the_pages_with_the_menu_not_the_whole_site(
    client, seeded, varnish, django_capture_on_commit_callbacks
):
    """Every page records the site key (through the menu's cached data too): purging it would
    empty Varnish. A new section in the menu purges "menu"; what changes links everywhere (a new
    address, a private section) purges "site"."""
    with django_capture_on_commit_callbacks(execute=True):
        section = HomePage.objects.get().add_child(
            instance=ContentPage(title="Nyt afsnit", show_in_menus=True, live=False)
        )
        section.save_revision().publish()
    assert "menu" in varnish.keys() and "site" not in varnish.keys()
    assert "menu" in xkeys(client.get("/baggrund/"))

    varnish.received.clear()
    with django_capture_on_commit_callbacks(execute=True):
        section.slug = "nyt-navn"
        section.save_revision().publish()
    assert "site" in varnish.keys()


@pytest.mark.django_db
def test_a_varnish_that_does_not_answer_is_logged_and_the_publish_goes_on(
    client, seeded, settings, caplog, django_capture_on_commit_callbacks
):
    closed = Purges()
    closed.shutdown()
    closed.server_close()  # nothing listens there any more
    settings.VARNISH_PURGE_URLS = [closed.url]
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Nyt fra procesleder."
    with django_capture_on_commit_callbacks(execute=True):
        baggrund.save_revision().publish()
    assert "Nyt fra procesleder." in client.get("/baggrund/").content.decode()
    assert f"Varnish {closed.url} was not purged" in caplog.text
