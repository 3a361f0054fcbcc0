"""Security headers: a strict Content-Security-Policy on public pages (cached or not), the
admin's own policy, and the production settings' HTTPS rules (Django's deploy check, HSTS)."""

import os
import secrets
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.documents import get_document_model

from pagecache.cache import PageCacheWSGI
from tests.support.databases import seeded_sqlite_file
from tests.support.editor_posts import page_edit_data
from tests.support.html import text_of
from tests.support.processes import run_manage

# Headers and HTTPS settings do not depend on the database: the SQLite pass only.
pytestmark = pytest.mark.sqlite_only


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = sources
    return parsed


def assert_strict_public_policy(response):
    policy = directives(response)
    for name in ("default-src", "script-src", "style-src", "connect-src", "font-src"):
        assert policy[name] == ["'self'"], name
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert "unsafe" not in response["Content-Security-Policy"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/baggrund/", "/soeg/?q=kultur", "/findes-ikke/"])
def test_public_pages_get_a_strict_policy_rendered_and_from_the_cache(client, seeded, url):
    first = client.get(url)
    assert_strict_public_policy(first)
    if first.status_code == 200:
        hit = client.get(url)
        assert hit["X-Cache"] == "HIT"
        assert_strict_public_policy(hit)


@pytest.mark.django_db
def test_hits_served_in_front_of_django_carry_the_same_headers(client, seeded):
    rendered = client.get("/baggrund/")
    answer = {}
    environ = RequestFactory().get("/baggrund/").environ
    PageCacheWSGI(None)(environ, lambda status, headers: answer.update(headers))
    assert answer["X-Cache"] == "HIT"
    for name in (
        "Content-Security-Policy",
        "Permissions-Policy",
        "Cross-Origin-Opener-Policy",
        "Cross-Origin-Resource-Policy",
    ):
        assert answer[name] == rendered[name]


@pytest.mark.django_db
def test_no_other_site_may_load_our_pages_static_files_documents_or_media(client, seeded, image):
    """Nothing of the site is meant to be loaded into another site's page (styles, scripts,
    images, documents) or read by its scripts; link previews and feed and calendar
    subscriptions fetch from their own servers, which these headers do not concern."""
    document = get_document_model().objects.create(
        title="Kommissorium", file=ContentFile(b"%PDF-1.4\n", name="kommissorium.pdf")
    )
    urls = {
        "page": "/baggrund/",
        "style sheet": "/static/css/site.css",
        "logo": "/static/img/logo.svg",
        "document": document.url,
        "uploaded image": image.file.url,
    }
    for what, url in urls.items():
        response = client.get(url, headers={"Origin": "https://andet-websted.example"})
        assert response.status_code == 200, what
        assert response["Cross-Origin-Resource-Policy"] == "same-origin", what
        assert "Access-Control-Allow-Origin" not in response, what


@pytest.mark.django_db
def test_the_admin_allows_inline_code_but_nothing_from_other_hosts(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["frame-ancestors"] == ["'self'"] and policy["object-src"] == ["'none'"]
    every_source = {source for sources in policy.values() for source in sources}
    assert every_source <= {"'self'", "'unsafe-inline'", "'none'", "data:", "blob:"}
    assert "unsafe-eval" not in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_previews_may_be_framed_by_the_site_itself_and_public_pages_by_no_one(
    procesleder_client, seeded
):
    baggrund = seeded["baggrund"]
    # What the editor's preview panel does: post the form as it stands, then frame the preview.
    preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[baggrund.pk])
    posted = procesleder_client.post(preview_url, page_edit_data(procesleder_client, baggrund))
    assert posted.json()["is_valid"]
    preview = procesleder_client.get(preview_url, {"in_preview_panel": "true"})

    assert preview.status_code == 200
    assert text_of(preview, "h1") == "Baggrund"
    policy = directives(preview)
    assert policy["frame-ancestors"] == ["'self'"]
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    # Otherwise the public policy: the preview runs no inline code either.
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert "unsafe" not in preview["Content-Security-Policy"]

    # The page itself stays unframeable, for visitors and for the editor alike.
    for viewer in (Client(), procesleder_client):
        assert_strict_public_policy(viewer.get("/baggrund/"))


@pytest.mark.django_db
def test_https_responses_upgrade_insecure_requests_and_plain_http_does_not(client):
    assert (
        "upgrade-insecure-requests"
        in client.get("/admin/login/", secure=True)["Content-Security-Policy"]
    )
    assert "upgrade-insecure-requests" not in client.get("/admin/login/")["Content-Security-Policy"]


# Pages that need no collected static files (the production storage wants a manifest): the
# redirect happens before any view, and the health check is plain text. It reads the sites
# table: the database is a copy of the seeded site.
PRODUCTION_REQUESTS = """
from django.test import Client
client = Client()
plain = client.get("/admin/login/")
print("http:", plain.status_code, plain["Location"])
secure = client.get("/healthz", secure=True)
print("https:", secure.status_code, secure["Strict-Transport-Security"])
health_check = client.get("/healthz")
print("plain health check:", health_check.status_code)
"""


def production(*args, database_url: str = "sqlite://:memory:") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "faxeif.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "faxeifaellesskab.dk,testserver",
        "DATABASE_URL": database_url,
    }
    return run_manage(env, *args, timeout=120)


# Production settings on an in-memory SQLite.
def test_production_settings_pass_the_deploy_check_without_warnings():
    result = production("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues (0 silenced)" in result.stdout


# Production settings on a SQLite file.
def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    database_url = seeded_sqlite_file(tmp_path / "site.sqlite3")
    result = production("shell", "-c", PRODUCTION_REQUESTS, database_url=database_url)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split(": ", 1) for line in result.stdout.splitlines() if ": " in line)
    assert lines["http"] == "301 https://testserver/admin/login/"
    assert lines["https"] == "200 max-age=31536000; includeSubDomains; preload"
    # A load balancer may check health over plain http on the inside.
    assert lines["plain health check"] == "200"
