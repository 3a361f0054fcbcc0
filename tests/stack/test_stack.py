"""The production stack as `make stack` runs it (scripts/stack.py): nginx (TLS) -> Varnish -> two
gunicorn app servers A and B -> pgbouncer -> PostgreSQL, with Redis, the S3 server and the mail
worker. What a visitor or an editor notices: pages come from Varnish, a publish shows at once,
either server serves what the other saved, a dead server or a stopped Redis or S3 is not an
error page. One stack for the module; the tests that stop parts of it come last.

`make test-stack` runs this (not `make test`)."""

import json
import re
import secrets
import shutil
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from scripts.stack import Stack, insecure_tls
from scripts.throwaway_nginx import NGINX
from tests.support.oidc import ANNE, running_provider
from tests.support.processes import require
from tests.support.visitors import FORM_TOKEN, http

UNAVAILABLE = "Siden er midlertidigt utilgængelig"
LOCKED_OUT = "For mange mislykkede forsøg"
TLS = insecure_tls()
# The client's address as nginx sees it, and what nginx and Varnish pass on to the app servers.
VISITOR = "203.0.113.7"
BEHIND_BOTH = {"X-Forwarded-For": f"{VISITOR}, 127.0.0.1", "X-Forwarded-Proto": "https"}


@pytest.fixture(scope="module")
def stack():
    for tool, package in [
        (NGINX, "nginx-light"),
        ("/usr/sbin/varnishd", "varnish"),
        ("/usr/sbin/pgbouncer", "pgbouncer"),
        ("/usr/bin/redis-server", "redis-server"),
    ]:
        require(Path(tool).exists(), f"{tool} (Debian: {package})")
    require(shutil.which("openssl") is not None, "openssl")
    # The municipality's sign-in provider on loopback, which both app servers know.
    with running_provider() as provider:
        provider.set_user("anne", **ANNE)
        with Stack(app_settings=provider.environment()) as running:
            running.provider = provider
            yield running


def visit(stack, path: str, **kwargs):
    """A visitor's request through nginx (TLS)."""
    return http(stack.nginx.url + path, context=TLS, **kwargs)


def direct(app, path: str, data=None, cookie: str = "", headers=None):
    """A request straight to one app server, as nginx and Varnish pass it on."""
    return http(app.url + path, data, {**BEHIND_BOTH, **(headers or {})}, cookie=cookie)


def app_requests(stack) -> int:
    return stack.app_a.requests_logged() + stack.app_b.requests_logged()


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := check():
            return result
        time.sleep(0.2)
    raise AssertionError(f"{what}: not within {timeout} s")


def is_hit(answer) -> bool:
    """Varnish answered from its cache (deploy/varnish/faxeif.vcl says so)."""
    return answer.headers.get("X-Varnish-Cache") == "HIT"


# (a) Varnish answers repeated anonymous requests


def test_repeated_anonymous_requests_never_reach_an_app_server(stack):
    for path in ("/", "/baggrund/", "/kontakt/"):
        # The first visits fill Varnish (and the page cache behind it).
        wait_until(lambda p=path: is_hit(visit(stack, p)), 10, f"{path} in Varnish")
    before = app_requests(stack)
    answers = [visit(stack, path) for path in ("/", "/baggrund/", "/kontakt/") * 10]
    assert [a.status for a in answers] == [200] * 30
    assert all(is_hit(a) for a in answers)
    assert "Hvad satte det i gang?" in answers[1].text
    assert app_requests(stack) == before
    # What the client gets: no dependency keys, and browsers revalidate.
    assert "xkey" not in {name.lower() for name in answers[0].headers}
    assert "max-age=0" in answers[0].headers["Cache-Control"]


# (b) A publish through A shows on the very next request


SUBPAGE = """
from pages.models import ContentPage
parent = ContentPage.objects.get(slug="baggrund")
page = parent.add_child(instance=ContentPage(title="Underside", slug="underside"))
page.save_revision().publish()
print(page.url)
"""
PUBLISH_SUBTITLE = """
from pages.models import ContentPage
page = ContentPage.objects.get(slug="underside")
page.subtitle = "{subtitle}"
page.save_revision().publish()
print("published")
"""


def test_a_publish_through_a_shows_on_the_next_request_and_other_pages_stay_cached(stack):
    path = stack.shell(SUBPAGE, app="app-a")
    for _ in range(2):
        for other in (path, "/kontakt/", "/"):
            visit(stack, other)
    assert is_hit(visit(stack, path)) and is_hit(visit(stack, "/kontakt/"))
    subtitle = f"Ny undertitel {secrets.token_hex(3)}"
    stack.shell(PUBLISH_SUBTITLE.format(subtitle=subtitle), app="app-a")
    assert subtitle in visit(stack, path).text
    # Pages that do not show the page are still Varnish's copies.
    assert is_hit(visit(stack, "/kontakt/")) and is_hit(visit(stack, "/"))


# (c) An image uploaded through A, shown by B, from S3

PAGE_WITH_IMAGE = """
from home.models import HomePage
from pages.models import ContentPage
from tests.support.images import make_image
image = make_image("Billede fra {slug}", size=(800, 450))
page = HomePage.objects.get().add_child(instance=ContentPage(
    title="Side {slug}", slug="{slug}", picture=image, picture_alt="Et billede"))
page.save_revision().publish()
print(image.file.name)
"""


def media_urls(html: str) -> list[str]:
    return sorted(set(re.findall(r'(/media/[^"\s,]+)', html)))


def s3_keys(stack) -> set[str]:
    with urllib.request.urlopen(f"{stack.s3.url}/faxeif-media?list-type=2", timeout=10) as answer:
        return set(re.findall(r"<Key>([^<]+)</Key>", answer.read().decode()))


def fetch_bytes(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30, context=TLS) as answer:
            return answer.status, answer.headers.get("Content-Type", ""), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def test_an_image_uploaded_through_a_shows_on_a_page_rendered_by_b_from_s3(stack):
    original = stack.shell(PAGE_WITH_IMAGE.format(slug="billedside"), app="app-a")
    assert original in s3_keys(stack)
    page = direct(stack.app_b, "/billedside/")
    assert page.status == 200
    urls = media_urls(page.text)
    assert urls, "the page shows its picture"
    keys = s3_keys(stack)
    for url in urls:
        key = url.removeprefix("/media/")
        assert key in keys, f"{key} is in the bucket"
        status, content_type, body = fetch_bytes(stack.nginx.url + url)
        assert status == 200 and content_type.startswith("image/"), (url, status)
        with urllib.request.urlopen(f"{stack.s3.url}/faxeif-media/{key}", timeout=10) as s3:
            assert body == s3.read()
    # Only images: documents are served by Django, which checks who may see them.
    assert visit(stack, "/media/").status == 404, "no listing of the bucket"
    # No local disk in between: neither server kept a file of its own.
    for app in (stack.app_a, stack.app_b):
        assert not any((app.dir / "media").rglob("*.*")), f"{app.name} wrote media locally"


# (d) Logins and lockouts are the cluster's

EDITOR = """
from django.contrib.auth.models import Group, Permission, User
group, _ = Group.objects.get_or_create(name="Stakredaktør")
group.permissions.add(Permission.objects.get(codename="access_admin"))
user = User.objects.create_user("{username}", "{username}@faxekommune.dk", "{password}")
user.groups.add(group)
print(user.pk)
"""
PASSWORD = "stak-adgangskode-7219"


def editor(stack, username: str) -> None:
    stack.shell(EDITOR.format(username=username, password=PASSWORD))


def cookies_of(answer) -> dict:
    found = {}
    for header in answer.headers.get_all("Set-Cookie") or []:
        name, value = header.split(";", 1)[0].split("=", 1)
        found[name] = value
    return found


def log_in(app, username: str, password: str):
    """The admin's login form, opened and posted on one app server as a browser does."""
    form = direct(app, "/admin/login/")
    assert form.status == 200
    csrf = cookies_of(form)["csrftoken"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    return direct(
        app,
        "/admin/login/",
        {"csrfmiddlewaretoken": token, "username": username, "password": password},
        cookie=f"csrftoken={csrf}",
        headers={"Origin": app.url.replace("http://", "https://"), "Referer": app.url + "/"},
    )


def test_an_editor_logged_in_through_a_is_logged_in_on_b(stack):
    editor(stack, "redaktoer")
    login = log_in(stack.app_a, "redaktoer", PASSWORD)
    assert login.status == 302, login.text[:500]
    session = cookies_of(login)["sessionid"]
    dashboard = direct(stack.app_b, "/admin/", cookie=f"sessionid={session}")
    assert dashboard.status == 200
    assert 'name="password"' not in dashboard.text


def test_a_procesleder_signs_in_with_the_municipal_account_through_nginx(stack):
    """Through nginx (TLS) and Varnish: the provider is told to send her back to the site's
    https address, she comes back through A, and B knows her session; production's two-factor
    rule is met by the provider's MFA (no code page)."""
    start = visit(stack, "/admin/sso/login/")
    assert start.status == 302
    authorize = start.headers["Location"]
    query = parse_qs(urlsplit(authorize).query)
    assert query["redirect_uri"] == [f"{stack.nginx.url}/admin/sso/callback/"]
    session = cookies_of(start)["sessionid"]
    callback = http(authorize, {"sub": "anne"}).headers["Location"]  # her "yes" there
    assert callback.startswith(f"{stack.nginx.url}/admin/sso/callback/?")
    back = visit(stack, callback.removeprefix(stack.nginx.url), cookie=f"sessionid={session}")
    assert back.status == 302 and back.headers["Location"] == "/admin/", back.text[:300]
    signed_in = cookies_of(back)["sessionid"]
    dashboard = direct(stack.app_b, "/admin/", cookie=f"sessionid={signed_in}")
    assert dashboard.status == 200
    assert "Anne" in dashboard.text


def test_a_lockout_counted_on_a_holds_on_b(stack):
    editor(stack, "glemsom")
    for _ in range(4):
        failed = log_in(stack.app_a, "glemsom", "forkert-kodeord")
        assert failed.status == 200 and LOCKED_OUT not in failed.text
    # The 5th failure locks the username from this address (AXES_FAILURE_LIMIT).
    assert LOCKED_OUT in log_in(stack.app_a, "glemsom", "forkert-kodeord").text
    refused = log_in(stack.app_b, "glemsom", PASSWORD)
    assert refused.status != 302
    assert LOCKED_OUT in refused.text


# (f) Scheduled jobs run once per cluster; a confirmation is sent once

SCHEDULED = """
from datetime import timedelta
from django.utils import timezone
from home.models import HomePage
from pages.models import ContentPage
page = HomePage.objects.get().add_child(instance=ContentPage(
    title="Planlagt side", slug="planlagt", live=False))
page.go_live_at = timezone.now() + timedelta(seconds=3)
page.save_revision().publish()
print(page.pk)
"""
PUBLISHED_LOG = """
from wagtail.models import Page, PageLogEntry
page = Page.objects.get(pk={pk})
print(page.live, PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count())
"""
ACTIVITY = """
from activities.models import ActivityType
from tests.support.showcase_activities import days_ahead, publish_activity
page = publish_activity("Stakdag {slug}", "{slug}", days_ahead(30),
    activity_type=ActivityType.TEMADAG, signup_enabled=True, capacity=500)
print(page.signup_url())
"""
SIGNUPS = """
import json
from activities.signups import SignUp
emails = SignUp.objects.filter(activity__slug="{slug}").values_list("email", flat=True)
print(json.dumps(list(emails)))
"""


def test_a_scheduled_page_is_published_once_though_both_servers_schedule(stack):
    pk = stack.shell(SCHEDULED)
    assert visit(stack, "/planlagt/").status == 404
    wait_until(lambda: visit(stack, "/planlagt/").status == 200, 15, "the page goes live")
    time.sleep(3)  # both schedulers ran again meanwhile
    assert stack.shell(PUBLISHED_LOG.format(pk=pk)) == "True 1"


def signup_form(stack, slug: str) -> str:
    return stack.nginx.url + stack.shell(ACTIVITY.format(slug=slug))


class SignUpForm:
    """A visitor who opened an activity's sign-up form through nginx and posts it."""

    def __init__(self, url: str):
        self.url = url
        form = http(url, context=TLS)
        assert form.status == 200, (url, form.status)
        self.token = FORM_TOKEN.search(form.text).group(1)

    def post(self, email: str):
        fields = {"name": "Stak Person", "email": email, "workplace": "Rådhuset", "comment": ""}
        origin = "/".join(self.url.split("/", 3)[:3])
        return http(self.url, {"token": self.token, **fields}, {"Origin": origin}, context=TLS)


def test_a_confirmation_e_mail_is_sent_once(stack):
    form = SignUpForm(signup_form(stack, "maildag"))
    answer = form.post("maja@faxekommune.dk")
    assert answer.status == 302, answer.text[:300]

    def sent():
        return [m for m in stack.mail.messages() if "maja@faxekommune.dk" in m]

    wait_until(sent, 20, "the confirmation is sent")
    time.sleep(3)  # a second worker or a retry would have sent it again by now
    assert len(sent()) == 1


# (e) App server A dies under load


def test_killing_a_under_load_loses_nothing_and_moves_to_b(stack):
    form_url = signup_form(stack, "doedsdag")
    form = SignUpForm(form_url)
    visit(stack, "/baggrund/")
    results: dict[str, list] = {"cached": [], "uncached": [], "signup": []}
    stop = threading.Event()
    killed_at = []

    def load(kind: str):
        n = 0
        while not stop.is_set():
            n += 1
            if kind == "cached":
                answer = visit(stack, "/baggrund/", timeout=10)
            elif kind == "uncached":
                answer = visit(stack, f"/soeg/?q=stak{secrets.token_hex(3)}", timeout=10)
            else:
                email = f"person{n}-{secrets.token_hex(2)}@faxekommune.dk"
                answer = form.post(email)
                answer.email = email
                time.sleep(0.2)
            results[kind].append((time.monotonic(), answer))

    threads = [
        threading.Thread(target=load, args=(kind,))
        for kind in ("cached", "cached", "uncached", "uncached", "signup")
    ]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    killed_at.append(time.monotonic())
    stack.app_a.kill()
    time.sleep(5)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)

    kill = killed_at[0]
    cached = Counter(answer.status for _, answer in results["cached"])
    assert cached == {200: sum(cached.values())}, cached
    late = [a.status for t, a in results["uncached"] if t > kill + 3]
    assert late and set(late) == {200}, Counter(late)
    for _, answer in results["uncached"]:
        assert answer.status == 200 or UNAVAILABLE in answer.text, answer.status
    accepted = [a.email for _, a in results["signup"] if a.status == 302]
    for _, answer in results["signup"]:
        assert answer.status == 302 or UNAVAILABLE in answer.text, (answer.status, answer.text)
    assert accepted
    saved = set(json.loads(stack.shell(SIGNUPS.format(slug="doedsdag"), app="app-b")))
    assert set(accepted) <= saved, "every accepted sign-up is saved"

    stack.app_a.start()
    assert direct(stack.app_a, "/healthz").status == 200


# (g) Redis and S3 stop and come back


def test_without_redis_pages_are_served_or_unavailable_never_an_error(stack):
    visit(stack, "/baggrund/")
    stack.redis.stop()
    try:
        for path, cookie in [("/baggrund/", ""), ("/baggrund/", "sessionid=x"), ("/kontakt/", "")]:
            answer = visit(stack, path, cookie=cookie)
            assert answer.status in (200, 503), (path, answer.status)
            if answer.status == 503:
                assert UNAVAILABLE in answer.text
            assert "Traceback" not in answer.text
    finally:
        stack.redis.start()
    answer = wait_until(
        lambda: (a := visit(stack, "/baggrund/", cookie="sessionid=x")).status == 200 and a,
        10,
        "pages are rendered again",
    )
    assert "Baggrund" in answer.text


NEW_IMAGE = """
from pages.models import ContentPage
from tests.support.images import make_image
page = ContentPage.objects.get(slug="billedside")
page.picture = make_image("{title}", size=(640, 360))
page.save_revision().publish()
print("ok")
"""


def test_without_s3_uploads_and_new_renditions_are_unavailable_and_recover(stack):
    page = direct(stack.app_b, "/billedside/")
    media = media_urls(page.text)[0]
    stack.s3.stop()
    try:
        answer = visit(stack, media)
        assert answer.status == 503 and UNAVAILABLE in answer.text
        # A page whose picture has no renditions yet: they cannot be made.
        shell = stack.manage("shell", "-c", NEW_IMAGE.format(title="Uden S3"), check=False)
        assert "ok" not in shell.splitlines()[-1:], "no upload without S3"
    finally:
        stack.s3.start()
    # moto keeps its objects in memory: after its restart the bucket is new and empty. An upload
    # and its renditions work again without restarting anything.
    assert stack.shell(NEW_IMAGE.format(title="Med S3 igen")) == "ok"
    again = direct(stack.app_b, "/billedside/", cookie="sessionid=x")
    assert again.status == 200
    url = media_urls(again.text)[0]
    assert fetch_bytes(stack.nginx.url + url)[0] == 200
