"""Screenshots of every page at phone and desktop width, for people to look at
(test-artifacts/screenshots/, ignored by git)."""

import pytest

from tests.support.browser import NOT_FOUND_URL

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only


def file_name(url: str, width: int) -> str:
    slug = url.strip("/").replace("/", "_") or "forside"
    return f"{slug}-{width}.jpeg"


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshot_every_page(visitor, served_site, artifacts, width):
    visitor.set_viewport_size({"width": width, "height": 900})
    for url in [*served_site["urls"], NOT_FOUND_URL]:
        visitor.goto(url)
        path = artifacts / file_name(url, width)
        # JPEG: to look at, and quicker for Chromium to encode than PNG for a whole long page.
        visitor.screenshot(path=path, full_page=True, quality=85)
        assert path.stat().st_size > 5_000, f"{path} is blank"
