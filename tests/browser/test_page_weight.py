"""A text page is light: everything a first visit downloads (HTML, CSS, fonts, scripts, icons)
stays within 60 KB."""

import pytest

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only

BUDGET = 60_000


def test_a_text_page_transfers_at_most_60_kb(chromium, served_site):
    context = chromium.new_context(base_url=served_site["base_url"])
    page = context.new_page()
    sizes = {}
    page.on("response", lambda response: sizes.__setitem__(response.url, len(response.body())))
    page.goto("/baggrund/")
    page.wait_for_load_state("networkidle")
    context.close()
    total = sum(sizes.values())
    assert any(url.endswith(".css") for url in sizes), "the stylesheet was not loaded"
    assert total <= BUDGET, f"{total} bytes: {sizes}"
