"""Screenshots of every page at phone and desktop width, for people to look at
(test-artifacts/screenshots/, ignored by git)."""

import pytest

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only


@pytest.mark.parametrize("width", [375, 1280])
def test_screenshot_every_page(pages_seen, width):
    for seen in pages_seen(width):
        assert seen.screenshot.stat().st_size > 5_000, f"{seen.screenshot} is blank"
