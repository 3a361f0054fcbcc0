"""The browser tests' world: the site served by gunicorn on loopback from a database of its own,
and Debian's Chromium driven by Playwright (never a downloaded browser)."""

import json
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.site import log_in_as_procesleder
from tests.support.browser import PageSeen, every_page, look_at, page_slug
from tests.support.databases import seeded_site
from tests.support.processes import BASE_DIR, require, shell_result, start_gunicorn, stop_gunicorn

CHROMIUM = "/usr/bin/chromium"
# Playwright's checks wait 5 s for what they expect by default. The admin's pages take longer on
# a busy two-core machine with the other test passes beside them (a cold preview, a save), and a
# check that waits longer costs nothing when it passes.
expect.set_options(timeout=15_000)
CHROMIUM_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-gpu",
    "--no-sandbox",  # CI runs as root
]
ARTIFACTS = BASE_DIR / "test-artifacts"


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """Base URL and page URLs of the site, served by gunicorn as `make run` serves it, and the
    folder its mail goes to (files, as Django's file backend writes them: tests/support/mail.py)."""
    tmp = tmp_path_factory.mktemp("served-site")
    with seeded_site(tmp) as env:
        urls = json.loads(shell_result(env, "from tests.browser.site import prepare; prepare()"))
        # With the scheduler of make run: editors' scheduled pages go live at the whole minute.
        server, base_url = start_gunicorn({**env, "PUBLISH_SCHEDULED_EVERY": "60"})
        try:
            yield {"base_url": base_url, "urls": urls, "mail": env["EMAIL_FILE_PATH"]}
        finally:
            stop_gunicorn(server)


@pytest.fixture(scope="session")
def chromium():
    require(Path(CHROMIUM).exists(), f"Debian's Chromium ({CHROMIUM})")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def visitor(chromium, served_site):
    """A fresh anonymous visitor: a new browser context (no cookies, no cache) and one tab."""
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    path = ARTIFACTS / "screenshots"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


@pytest.fixture(scope="session")
def pages_seen(chromium, served_site, artifacts):
    """Every page (and the 404 page) as a new visitor's browser shows it at a width (CSS px), each
    loaded once per width for the screenshot, axe and the keyboard's walk, which the tests then
    judge: loading each page once per check cost a third more of the browser's time."""
    seen: dict[int, list[PageSeen]] = {}

    def at(width: int) -> list[PageSeen]:
        if width not in seen:
            context = chromium.new_context(
                base_url=served_site["base_url"], viewport={"width": width, "height": 900}
            )
            page = context.new_page()
            try:
                seen[width] = [
                    look_at(page, url, artifacts / f"{page_slug(url)}-{width}.jpeg")
                    for url in every_page(served_site)
                ]
            finally:
                context.close()
        return seen[width]

    return at


@pytest.fixture
def procesleder_page(chromium, served_site):
    """A tab of the procesleder, logged in to the admin (a new browser context)."""
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    log_in_as_procesleder(page)
    yield page
    context.close()
