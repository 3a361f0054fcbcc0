"""Lighthouse (mobile, its default throttling) scores 100 in performance, accessibility, best
practices and SEO on one page of every type. Run by `make lighthouse`, which installs Lighthouse
from package-lock.json; `make test` leaves it out (tests/conftest.py): a minute or two of both
cores for a score that the checks in make test already hold in parts (axe, weight, HTML)."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from tests.support.processes import require

pytestmark = [pytest.mark.sqlite_only, pytest.mark.lighthouse]

LIGHTHOUSE = Path(settings.BASE_DIR) / "node_modules" / ".bin" / "lighthouse"
CHROMIUM = "/usr/bin/chromium"
# As the other browser checks start Debian's Chromium: headless, no calls home.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync --no-first-run"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]


def one_page_of_each_type(served_site) -> list[str]:
    urls = served_site["urls"]
    activity = next(
        u for u in urls if u.startswith("/aktiviteter/") and u.endswith("/") and u.count("/") == 3
    )
    return [
        "/",
        "/eksempelside/",
        "/faser/",
        "/faser/eksempelfase/",
        "/aktiviteter/",
        activity,
        "/fortaellinger/",
        "/fortaellinger/eksempelfortaelling/",
        "/kontakt/",
        "/soeg/?q=samskabelse",
    ]


def lighthouse(url: str, report: Path) -> dict:
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--form-factor=mobile",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={CHROME_FLAGS}",
            "--output=json",
            f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=True,
        timeout=180,
    )
    return json.loads(report.read_text())


# Audits a page fails on purpose, where the site's own rule wins over Lighthouse's: search results
# tell search engines not to index them (noindex), which Lighthouse's SEO score counts against.
ON_PURPOSE = {"/soeg/?q=samskabelse": {"is-crawlable"}}


def shortfalls(result: dict, allowed: set[str]) -> list[str]:
    """The audits that cost a category under 100 points, but those `allowed`."""
    found = []
    for name in CATEGORIES:
        category = result["categories"][name]
        if round(category["score"] * 100) == 100:
            continue
        lost = [
            f"{ref['id']} ({result['audits'][ref['id']].get('displayValue', '')})"
            for ref in category["auditRefs"]
            if ref["weight"]
            and (result["audits"][ref["id"]].get("score") or 0) < 1
            and ref["id"] not in allowed
        ]
        if lost:
            found.append(f"{name} {category['score'] * 100:.0f}: {', '.join(lost)}")
    return found


def test_every_page_type_scores_100_in_all_four_categories(served_site):
    require(LIGHTHOUSE.exists(), "Lighthouse (make lighthouse installs it)")
    require(shutil.which(CHROMIUM) is not None, "Chromium")
    reports = Path(settings.BASE_DIR) / "test-artifacts" / "lighthouse"  # ignored by git
    reports.mkdir(parents=True, exist_ok=True)
    problems = {}
    for url in one_page_of_each_type(served_site):
        name = url.strip("/").replace("/", "_").replace("?", "_") or "forside"
        result = lighthouse(served_site["base_url"] + url, reports / f"{name}.json")
        scores = {name: result["categories"][name]["score"] * 100 for name in CATEGORIES}
        print(f"{url}: {scores}")
        if lost := shortfalls(result, ON_PURPOSE.get(url, set())):
            problems[url] = lost
    assert not problems, json.dumps(problems, indent=2, ensure_ascii=False)
