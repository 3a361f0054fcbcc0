"""Signing in with the municipality's account in Chromium (accounts/sso.py): a Procesleder
clicks "Log ind med kommunens konto", signs in on the provider's own page, edits and publishes a
page, and a new visitor sees the edit; signing out goes by the provider's end-session page and
back to the admin's login page. Against a real OpenID Connect provider on loopback
(tests/support/oidc.py), in a thread of this test process, and a served site of this module's
own that knows it (the session's served site has no provider).

What the browser adds to tests/test_sso.py: the button on the login page, the redirects between
two origins as Chromium follows them (the logout's POST answered with a redirect to the provider
is allowed by the admin's CSP form-action), the session cookie through them, and the admin's
Content-Security-Policy blocking nothing on the editor's pages."""

import re

import pytest
from playwright.sync_api import expect

from accounts import sso
from tests.support.browser import axe_report, watch_for_policy_violations
from tests.support.databases import seeded_site
from tests.support.oidc import ANNE, DOMAIN, running_provider
from tests.support.processes import start_gunicorn, stop_gunicorn

pytestmark = pytest.mark.sqlite_only

BUTTON = "Log ind med kommunens konto"
ANNE_SUB = "anne"
# A colleague at the municipality whose account gives no access to the site.
OLE_SUB = "ole"
OLE = {**ANNE, "email": f"ole.olsen@{DOMAIN}", "name": "Ole Olsen", "roles": ["Medarbejder"]}
PAGE, PAGE_URL = "Baggrund", "/baggrund/"
NEW_INTRODUCTION = "Anne Jensen har logget ind med kommunens konto og skrevet en ny indledning."


@pytest.fixture(scope="module")
def sso_site(tmp_path_factory):
    """The provider with Anne, a Procesleder who signed in with two factors there, and the
    seeded site served by gunicorn with the provider's settings: base URL and provider."""
    with running_provider() as provider:
        provider.set_user(ANNE_SUB, **ANNE)
        provider.set_user(OLE_SUB, **OLE)
        with seeded_site(tmp_path_factory.mktemp("sso-site")) as env:
            server, base_url = start_gunicorn({**env, **provider.environment()})
            try:
                yield {"base_url": base_url, "provider": provider}
            finally:
                stop_gunicorn(server)


@pytest.fixture
def browser_context(chromium, sso_site):
    """A new browser context (no cookies) on the site, with the policy violations of every
    page it opens (context.violations)."""
    context = chromium.new_context(
        base_url=sso_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    context.violations = watch_for_policy_violations(context)
    yield context
    context.close()


def sign_in_at_provider(editor, sso_site, sub: str) -> None:
    """From the admin's login page, through the button and the provider's page as `sub`."""
    editor.get_by_role("link", name=BUTTON).click()
    editor.wait_for_url(sso_site["provider"].url + "/**")
    editor.locator("input[name=sub]").fill(sub)
    editor.get_by_role("button", name="Authorize", exact=True).click()


def signed_in(editor, sso_site) -> None:
    """Anne signs in from the admin's login page and lands on the dashboard."""
    editor.goto("/admin/login/")
    sign_in_at_provider(editor, sso_site, ANNE_SUB)
    editor.wait_for_url(re.compile(r"/admin/$"))


def public_introduction(chromium, sso_site) -> str:
    """The page's introduction as a new visitor sees it."""
    context = chromium.new_context(base_url=sso_site["base_url"])
    page = context.new_page()
    page.goto(PAGE_URL)
    text = page.locator("main .lead").inner_text().strip()
    context.close()
    return text


def test_procesleder_signs_in_at_the_provider_and_edits_a_page(chromium, sso_site, browser_context):
    editor = browser_context.new_page()
    editor.goto("/admin/login/")
    expect(editor.get_by_role("link", name=BUTTON)).to_be_visible()
    assert axe_report(editor) is None
    # On a narrow phone the button's words wrap inside it instead of running out of it.
    editor.set_viewport_size({"width": 320, "height": 800})
    button = editor.get_by_role("link", name=BUTTON)
    assert button.evaluate("b => b.scrollWidth <= b.clientWidth")
    assert button.bounding_box()["x"] + button.bounding_box()["width"] <= 320
    editor.set_viewport_size({"width": 1280, "height": 900})
    # The site's own login page (login-restricted pages) offers it too, accessibly.
    editor.goto("/_util/login/?next=/baggrund/")
    expect(editor.get_by_role("link", name=BUTTON)).to_be_visible()
    assert axe_report(editor) is None
    editor.goto("/admin/login/")

    sign_in_at_provider(editor, sso_site, ANNE_SUB)
    # The provider's two factors count: no code page of the site's own, straight to the
    # dashboard, in Danish, under the name the provider gave.
    editor.wait_for_url(re.compile(r"/admin/$"))
    expect(editor.locator("html")).to_have_attribute("lang", "da")
    expect(editor.get_by_role("link", name="Kontrolpanel")).to_be_visible()
    expect(editor.locator("main")).to_contain_text("Anne")

    editor.goto("/admin/pages/")
    editor.get_by_role("link", name=PAGE, exact=True).first.click()
    expect(editor.get_by_role("heading", level=1)).to_contain_text(PAGE)
    editor.wait_for_event("response", lambda r: "/editing-sessions/ping/" in r.url)
    introduction = editor.get_by_role("textbox", name="Introduktion")
    assert introduction.input_value().strip() != NEW_INTRODUCTION
    introduction.fill(NEW_INTRODUCTION)
    editor.get_by_role("button", name="Udgiv", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text(f"Siden '{PAGE}' er udgivet")

    assert public_introduction(chromium, sso_site) == NEW_INTRODUCTION
    assert browser_context.violations == []


def test_signing_out_ends_the_session_at_the_provider_too(sso_site, browser_context):
    editor = browser_context.new_page()
    signed_in(editor, sso_site)

    # "Log ud" in the sidebar's account menu (under the first name the provider gave) is a
    # POST form, which the site answers with a redirect to the provider's end-session page.
    editor.get_by_role("button", name=ANNE["given_name"], exact=True).click()
    editor.get_by_role("button", name="Log ud").click()
    editor.wait_for_url(sso_site["provider"].url + "/oauth2/end_session**")
    editor.get_by_role("button", name="End session").click()

    editor.wait_for_url(re.compile(r"/admin/login/$"))
    expect(editor.locator(".messages")).to_contain_text("Du er nu logget ud.")
    expect(editor.get_by_role("link", name=BUTTON)).to_be_visible()
    editor.goto("/admin/")
    expect(editor).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert browser_context.violations == []


def test_a_refused_or_cancelled_sign_in_ends_on_the_login_page_with_a_danish_message(
    sso_site, browser_context
):
    editor = browser_context.new_page()
    editor.goto("/admin/login/")
    sign_in_at_provider(editor, sso_site, OLE_SUB)
    editor.wait_for_url(re.compile(r"/admin/login/$"))
    expect(editor.locator(".messages")).to_contain_text(sso.NO_ROLE)

    # This time the editor says no on the provider's page.
    editor.get_by_role("link", name=BUTTON).click()
    editor.wait_for_url(sso_site["provider"].url + "/**")
    editor.get_by_role("button", name="Deny", exact=True).click()
    editor.wait_for_url(re.compile(r"/admin/login/$"))
    expect(editor.locator(".messages")).to_contain_text(sso.CANCELLED)

    editor.goto("/admin/")
    expect(editor).to_have_url(re.compile(r"/admin/login/\?next=/admin/$"))
    assert browser_context.violations == []
