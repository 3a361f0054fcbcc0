"""Varnish with deploy/varnish/faxeif.vcl in front of gunicorn, as production runs it behind nginx:
visitors share one copy of each page, which no request to the app servers costs, and every
change shows on the very next request, because the site purges what it changed (its dependency
keys) once the change is committed. Requests are sent as nginx sends them (the site's host,
X-Forwarded-Proto: https); the app servers' requests are counted in gunicorn's access log.
tests/test_page_cache_varnish.py tests the page cache's side without a Varnish."""

import re
import shutil
import subprocess
import time
from http.client import HTTPConnection

import pytest

from scripts.served_site import start_gunicorn
from scripts.throwaway_varnish import (
    SITE_HOST,
    VARNISHD,
    VCL_DIR,
    start_varnish,
    stop_varnish,
)
from tests.support.databases import seeded_site
from tests.support.html import text_of
from tests.support.processes import free_port, require, shell_result, stop_gunicorn

# The production shape, which runs on PostgreSQL.
pytestmark = pytest.mark.postgresql_only


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The seeded site under the production settings, served by gunicorn behind Varnish."""
    require(shutil.which("varnishd") is not None, "varnishd (Debian: varnish, varnish-modules)")
    tmp = tmp_path_factory.mktemp("varnish")
    port, admin_port = free_port(), free_port()
    access_log = tmp / "gunicorn-access.log"
    with seeded_site(tmp) as env:
        env = {
            **env,
            "DJANGO_SETTINGS_MODULE": "tests.production_settings",
            "SECRET_KEY": "varnish-test-not-secret",
            "ALLOWED_HOSTS": f"{SITE_HOST},127.0.0.1",
            "VARNISH_PURGE_URLS": f"http://127.0.0.1:{port}",
            # nginx and Varnish each append to X-Forwarded-For (deploy/varnish/faxeif.vcl).
            "TRUSTED_PROXY_COUNT": "2",
        }
        gunicorn, gunicorn_url = start_gunicorn(
            env,
            "--workers=2",
            "--log-level=warning",
            f"--access-logfile={access_log}",
            ready_path="/healthz",
        )
        try:
            server = ("127.0.0.1", int(gunicorn_url.rsplit(":", 1)[1]))
            varnish = start_varnish(tmp / "varnish", port, admin_port, [server])
            try:
                yield {"env": env, "port": port, "access_log": access_log, "gunicorn": gunicorn}
            finally:
                stop_varnish(varnish)
        finally:
            stop_gunicorn(gunicorn)


class Visit:
    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.content = response.read()
        self.body = self.content.decode()
        self.cache = response.getheader("X-Varnish-Cache")

    def text(self, selector="main") -> str:
        return text_of(self, selector)


def visit(site, path: str, method: str = "GET", **headers) -> Visit:
    """A request as nginx passes it on to Varnish. No answer ever shows the keys."""
    connection = HTTPConnection("127.0.0.1", site["port"], timeout=30)
    headers = {"Host": SITE_HOST, "X-Forwarded-Proto": "https", **headers}
    try:
        connection.request(method, path, headers=headers)
        answer = Visit(connection.getresponse())
    finally:
        connection.close()
    assert "xkey" not in answer.headers
    return answer


def app_requests(site, path: str) -> int:
    """The requests for `path` (without its query string) that reached gunicorn so far."""
    log = site["access_log"].read_text() if site["access_log"].exists() else ""
    return len(re.findall(rf'"[A-Z]+ {re.escape(path)}(\?[^ ]*)? HTTP', log))


def app_requests_settled(site, path: str, expected: int) -> int:
    """app_requests, once gunicorn has had a moment to write its log lines (after the answer)."""
    deadline = time.monotonic() + 3
    while app_requests(site, path) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)
    return app_requests(site, path)


def warm(site, *paths) -> None:
    """Each page in Varnish: fetched until Varnish answers it from its copy."""
    for path in paths:
        for _ in range(3):
            if visit(site, path).cache == "HIT":
                break
        else:
            pytest.fail(f"Varnish does not keep {path}")


def publish(site, code: str) -> str:
    """Run `code` in the site's environment (its own process, as an editor's publish runs in an
    app server): what it prints last. Its purges reach Varnish on commit."""
    return shell_result(site["env"], code)


SIGN_UP_CLOSING = """
import datetime
from django.utils import timezone
from tests.support.showcase_activities import days_ahead, publish_activity
closes = timezone.now() + datetime.timedelta(seconds={seconds})
activity = publish_activity(
    "{title}", "{slug}", days_ahead(5), signup_enabled=True, signup_deadline=closes
)
print(activity.url)
"""


def sign_up_closing(site, seconds: int, title: str, slug: str) -> tuple[str, float]:
    """An activity whose sign-up closes `seconds` from now: its address, and that moment."""
    path = publish(site, SIGN_UP_CLOSING.format(seconds=seconds, title=title, slug=slug))
    return path, time.time() + seconds


def test_the_deployed_vcl_compiles_with_its_example_backends(tmp_path):
    require(shutil.which("varnishd") is not None, "varnishd (Debian: varnish, varnish-modules)")
    compiled = subprocess.run(
        [
            VARNISHD,
            "-C",
            "-j",
            "none",
            "-p",
            f"vcl_path={VCL_DIR}",
            "-f",
            "faxeif.vcl",
            "-n",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
    )
    assert compiled.returncode == 0, compiled.stderr[-2000:]


def test_a_repeated_anonymous_request_never_reaches_the_app_servers(site):
    first = visit(site, "/kontakt/")
    assert first.status == 200 and first.cache == "MISS"
    assert "public, max-age=0, must-revalidate, s-maxage=" in first.headers["Cache-Control"]
    assert app_requests_settled(site, "/kontakt/", 1) == 1

    again = [visit(site, "/kontakt/") for _ in range(5)]
    # Whatever cookies a visitor's browser sends besides an editor's: the same copy.
    again.append(visit(site, "/kontakt/", Cookie="_pk_id=abc; valgt=1"))
    assert {(v.status, v.cache, v.body) for v in again} == {(200, "HIT", first.body)}
    assert app_requests_settled(site, "/kontakt/", 1) == 1


def test_a_publish_shows_on_the_next_request_and_pages_not_showing_it_stay_hits(site):
    pages = ["/faser/det-ny-faxe/", "/faser/", "/kontakt/", "/aktiviteter/", "/"]
    warm(site, *pages)
    publish(
        site,
        "from pages.models import PhasePage\n"
        "page = PhasePage.objects.get(slug='det-ny-faxe')\n"
        "page.title = 'Det nye Faxe i Varnish'\n"
        "page.save_revision().publish()\n"
        "print('ok')",
    )
    changed, index = visit(site, "/faser/det-ny-faxe/"), visit(site, "/faser/")
    assert changed.cache == "MISS" and "Det nye Faxe i Varnish" in changed.text("h1")
    assert index.cache == "MISS" and "Det nye Faxe i Varnish" in index.text()
    for path in ("/kontakt/", "/aktiviteter/", "/"):
        unchanged = visit(site, path)
        assert unchanged.cache == "HIT", path
        assert "Det nye Faxe i Varnish" not in unchanged.body


def test_a_new_section_in_the_menu_purges_every_page_with_the_menu(site):
    """Every page shows the main menu: all of them show the new section on their next request.
    What has no menu (a stylesheet) stays in Varnish. That the purge names "menu" and the new
    page's own keys, not the whole site's, tests/test_page_cache_varnish.py checks."""
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', visit(site, "/").body).group(1)
    pages = ["/", "/baggrund/", "/faser/", "/faser/lidt-forhistorie/", "/aktiviteter/"]
    pages += ["/fortaellinger/", "/kontakt/"]
    warm(site, stylesheet, *pages)
    publish(
        site,
        "from home.models import HomePage\n"
        "from pages.models import ContentPage\n"
        "section = HomePage.objects.get().add_child(instance=ContentPage(\n"
        "    title='Nyt i menuen', slug='nyt-i-menuen', show_in_menus=True, live=False))\n"
        "section.save_revision().publish()\n"
        "print('ok')",
    )
    for path in pages:
        page = visit(site, path)
        assert page.cache == "MISS" and "Nyt i menuen" in page.text("nav.main-nav"), path
    assert visit(site, stylesheet).cache == "HIT"


def test_editors_the_admin_and_posts_go_to_the_app_servers(site):
    warm(site, "/baggrund/")
    before = app_requests(site, "/baggrund/")
    for _ in range(2):
        editor = visit(site, "/baggrund/", Cookie="sessionid=abc; _pk_id=1")
        assert editor.cache == "PASS" and editor.status == 200
        with_form = visit(site, "/baggrund/", Cookie="csrftoken=abc")
        assert with_form.cache == "PASS"
    assert app_requests_settled(site, "/baggrund/", before + 4) == before + 4
    assert visit(site, "/baggrund/").cache == "HIT"  # visitors keep the shared copy

    before = app_requests(site, "/admin/login/")
    for _ in range(2):
        assert visit(site, "/admin/login/").cache == "PASS"
    assert app_requests_settled(site, "/admin/login/", before + 2) == before + 2
    assert visit(site, "/soeg/", method="POST").cache == "PASS"


def test_only_the_app_servers_may_purge(site):
    warm(site, "/baggrund/")
    # A visitor's PURGE comes through nginx (from loopback too): over https with the scheme,
    # to the plain http health check with only the visitor's address.
    refused = visit(site, "/", method="PURGE", **{"xkey-purge": "site"})
    assert refused.status == 403
    connection = HTTPConnection("127.0.0.1", site["port"], timeout=30)
    headers = {"Host": SITE_HOST, "X-Forwarded-For": "203.0.113.9", "xkey-purge": "site"}
    connection.request("PURGE", "/healthz", headers=headers)
    assert connection.getresponse().status == 403
    connection.close()
    assert visit(site, "/baggrund/").cache == "HIT"


def test_a_page_that_changes_by_itself_is_renewed_in_varnish(site):
    """An activity's sign-up closes a few seconds from now: Varnish keeps its page no longer
    (s-maxage counts down to that moment), and the next visitors read that it has closed."""
    path, closes = sign_up_closing(site, 6, "Snart lukket", "snart-lukket")
    first = visit(site, path)
    assert "Tilmeldingsfrist" in first.text()
    assert int(re.search(r"s-maxage=(\d+)", first.headers["Cache-Control"]).group(1)) <= 6
    assert visit(site, path).cache == "HIT"

    time.sleep(max(0.0, closes - time.time()) + 2)
    # Varnish may serve its copy once more while it fetches the new one (grace, 10 s at most).
    for _ in range(4):
        if "Tilmeldingen er lukket." in (later := visit(site, path)).text():
            break
        time.sleep(0.5)
    assert "Tilmeldingen er lukket." in later.text()


def test_when_the_app_server_is_gone_cached_pages_are_still_served(site):
    """Last: it stops the app server. A page in Varnish is served, even one whose lifetime ended
    (grace: an hour while no app server is healthy, 10 s otherwise); only what Varnish does not
    have fails."""
    path, closes = sign_up_closing(site, 3, "Lukker snart", "lukker-snart")
    warm(site, "/kontakt/", path)
    stop_gunicorn(site["gunicorn"])
    # Past the page's lifetime by more than the 10 s of grace a healthy app server gets.
    time.sleep(max(0.0, closes - time.time()) + 11)

    kontakt, expired = visit(site, "/kontakt/"), visit(site, path)
    assert (kontakt.status, kontakt.cache) == (200, "HIT")
    assert (expired.status, expired.cache) == (200, "HIT")
    assert "Tilmeldingsfrist" in expired.text()  # the copy from before it closed
    assert visit(site, "/soeg/?q=varnish").status == 503
