"""Anonymous visitors: no cookies, nothing fetched from other hosts, no console errors."""

import pytest

from tests.support.browser import NOT_FOUND_URL

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only


def test_visitors_get_no_cookies_no_other_hosts_and_no_console_errors(chromium, served_site):
    base_url = served_site["base_url"]
    context = chromium.new_context(base_url=base_url)
    page = context.new_page()
    foreign, errors, requested = [], [], []

    def on_request(request):
        requested.append(request.url)
        if not request.url.startswith((base_url + "/", "data:")):
            foreign.append(request.url)

    page.on("request", on_request)
    page.on("console", lambda msg: msg.type == "error" and errors.append(f"{page.url}: {msg.text}"))
    page.on("pageerror", lambda exc: errors.append(f"{page.url}: {exc}"))

    logins = [u for u in served_site["urls"] if u.startswith("/_util/login/")]
    for url in [u for u in served_site["urls"] if u not in logins]:
        response = page.goto(url)
        page.wait_for_load_state("networkidle")
        assert response.status == 200, url
    page.goto(NOT_FOUND_URL)
    assert context.cookies() == [], "reading the site must set no cookies"

    # Signing up: the form (with its own token, no cookie) and the receipt set none either.
    [form_url] = [u for u in served_site["urls"] if u.endswith("/tilmelding/")]
    page.goto(form_url)
    page.get_by_label("Navn").fill("Mette Hansen")
    page.get_by_label("Arbejdsmail").fill("meha.privatliv@faxekommune.dk")
    page.get_by_label("Arbejdsplads").fill("Haslev Bibliotek")
    with page.expect_navigation():
        page.locator("form.signup-form button[type=submit]").click()
    assert "/tilmelding/tak/?kvittering=" in page.url
    assert page.locator("h1").inner_text() in ("Tak for din tilmelding", "Du står på ventelisten")
    assert context.cookies() == [], "signing up must set no cookies"

    # The login page of login-restricted content sets exactly one strictly necessary cookie: the
    # CSRF token that protects the session it logs into.
    for url in logins:
        assert page.goto(url).status == 200, url
    assert logins, "the fixture has a login-restricted page"
    assert [(c["name"], c["httpOnly"], c["sameSite"]) for c in context.cookies()] == [
        ("csrftoken", True, "Lax")
    ]
    assert foreign == []
    # The 404 page's own status is reported by Chromium as a console error; nothing else may be.
    assert [e for e in errors if NOT_FOUND_URL not in e or "404" not in e] == []
    assert any("/media/images/" in url for url in requested), "the image block was not loaded"
    context.close()
