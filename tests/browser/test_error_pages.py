"""The error pages that no healthy site shows on request: the 500 page and the static 503 page of
a database outage. The served site answers them only when something breaks, so the browser gets
them from the templates themselves, at an address of the served site (the site's CSS and images
load from it as they would), and checks them as it checks every other page: axe at phone and
desktop width, no horizontal scrolling at 320 px, the Nu HTML Checker, and a screenshot."""

import pytest
from django.conf import settings
from django.template import loader

from faxeif.security import header_value
from tests.support.browser import axe_report, html_errors

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only

ERROR_PAGES = {"500.html": 500, "503.html": 503}


def rendered(template: str) -> str:
    # As faxeif.views and Django's server_error render them: without context or database.
    return loader.get_template(template).render()


def open_error_page(visitor, served_site, template: str):
    url = f"{served_site['base_url']}/fejlside-{ERROR_PAGES[template]}/"
    visitor.route(
        url,
        lambda route: route.fulfill(
            status=ERROR_PAGES[template],
            content_type="text/html; charset=utf-8",
            body=rendered(template),
            # What the security middleware adds to them on the way out.
            headers={"Content-Security-Policy": header_value(settings.CONTENT_SECURITY_POLICY, 0)},
        ),
    )
    return visitor.goto(url)


@pytest.mark.parametrize("template", ERROR_PAGES)
@pytest.mark.parametrize("width", [320, 375, 1280])
def test_error_pages_are_accessible_and_reflow(visitor, served_site, artifacts, template, width):
    visitor.set_viewport_size({"width": width, "height": 900})
    problems = []
    visitor.on(
        "console", lambda msg: "Content Security Policy" in msg.text and problems.append(msg)
    )
    visitor.on("requestfailed", lambda request: problems.append(request.url))
    response = open_error_page(visitor, served_site, template)
    assert response.status == ERROR_PAGES[template]
    visitor.wait_for_load_state("networkidle")
    assert problems == []
    assert visitor.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    report = axe_report(visitor)
    assert report is None, report
    scroll = visitor.evaluate("document.documentElement.scrollWidth - innerWidth")
    assert scroll <= 0, f"{template} scrolls sideways at {width} px"
    path = artifacts / f"fejlside-{ERROR_PAGES[template]}-{width}.png"
    visitor.screenshot(path=path, full_page=True)


def test_error_pages_validate(tmp_path):
    for template in ERROR_PAGES:
        (tmp_path / template).write_text(rendered(template))
    messages, status = html_errors([tmp_path / template for template in ERROR_PAGES])
    assert [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
    assert status == 0
