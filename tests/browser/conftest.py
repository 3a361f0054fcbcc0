"""The browser tests' world: the site served by gunicorn on loopback from a database of its own,
and Debian's Chromium driven by Playwright (never a downloaded browser)."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
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
NOT_FOUND_URL = "/findes-ikke/"


def require(condition: bool, what: str) -> None:
    """A missing browser or tool skips locally but fails under CI=true: CI must test it all."""
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} is missing; .ci/run must install it", pytrace=False)
    pytest.skip(f"{what} is missing")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def site_database_url(tmp: Path) -> str:
    # On the PostgreSQL pass, the throwaway server's own database (pytest-django uses a separate
    # test_ database); else a SQLite file of the served site's own.
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith("postgres") else f"sqlite:///{tmp / 'site.sqlite3'}"


def wait_until_serving(url: str, server: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the site's server exited with {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the site did not answer at {url} within {timeout} s")


@pytest.fixture(scope="session")
def served_site(tmp_path_factory):
    """Base URL and page URLs of the site, served by gunicorn as `make run` serves it."""
    tmp = tmp_path_factory.mktemp("served-site")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "faxeif.settings.test",
        "DATABASE_URL": site_database_url(tmp),
        "MEDIA_ROOT": str(tmp / "media"),
        "CACHE_DIR": str(tmp / "cache"),
    }

    def manage(*args):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    manage("migrate", "--noinput")
    prepared = manage("shell", "-c", "from tests.browser.site import prepare; prepare()")
    urls = json.loads(prepared.strip().splitlines()[-1])

    port = free_port()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config=gunicorn.conf.py",
            f"--bind=127.0.0.1:{port}",
            "--workers=2",
            "--log-level=warning",
        ],
        cwd=BASE_DIR,
        env=env,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(base_url + "/", server)
        yield {"base_url": base_url, "urls": urls}
    finally:
        server.terminate()
        server.wait(timeout=30)


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
