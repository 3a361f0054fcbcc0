"""WCAG 2.2 AA on every page, checked in Debian's Chromium: axe-core finds nothing, the keyboard
reaches everything with a visible focus, and the layout reflows down to 320 CSS px."""

import pytest

from tests.support.browser import DESCRIBE_FOCUS, every_page

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only

WIDTHS = {"phone": 375, "desktop": 1280}

# Elements that stick out of the viewport or clip their own content, ignoring what is hidden on
# purpose (the skip link until it has focus, visually hidden text).
CUT_OFF_SCRIPT = """() => {
    const width = document.documentElement.clientWidth;
    const name = el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
    const problems = [];
    for (const el of document.querySelectorAll('body *')) {
        if (el.closest('.skip-link, .visually-hidden')) continue;
        const style = getComputedStyle(el);
        if (style.display === 'none' || style.visibility === 'hidden') continue;
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) continue;
        if (box.right > width + 1 || box.left < -1) {
            problems.push(`${name(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}`);
        }
        if (['hidden', 'clip'].includes(style.overflowX) && el.scrollWidth > el.clientWidth + 1) {
            problems.push(`${name(el)} cuts off its content`);
        }
    }
    return problems;
}"""


def test_every_page_type_is_in_the_checked_set(served_site):
    # The fixture holds one page of each type with every block, plus forms, listings and 404.
    expected = {
        "/",  # HomePage
        "/eksempelside/",  # ContentPage
        "/faser/",  # PhaseIndexPage
        "/faser/eksempelfase/",  # PhasePage
        "/aktiviteter/",  # ActivityIndexPage
        "/fortaellinger/",  # StoryIndexPage
        "/fortaellinger/eksempelfortaelling/",  # StoryPage
        "/kontakt/",  # ContactPage
        "/soeg/?q=samskabelse",  # search
    }
    assert expected <= set(served_site["urls"])
    activity_pages = [
        u for u in served_site["urls"] if u.startswith("/aktiviteter/") and "?" not in u
    ]
    assert any(url.endswith("/tilmelding/") for url in activity_pages)  # ActivityPage's form
    assert len(activity_pages) >= 3


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_axe_finds_no_violations(pages_seen, width):
    reports = {seen.url: seen.axe_report for seen in pages_seen(width) if seen.axe_report}
    assert not reports, "\n".join(f"{url}:\n{report}" for url, report in reports.items())


def test_skip_link_is_the_first_tab_stop_and_moves_focus_into_main(visitor, served_site):
    for url in every_page(served_site):
        visitor.goto(url)
        visitor.keyboard.press("Tab")
        focused = visitor.evaluate(DESCRIBE_FOCUS)
        assert focused["href"] == "#main" and focused["text"] == "Gå til indhold", url
        box = visitor.locator(".skip-link").bounding_box()
        assert box and box["width"] > 20 and box["height"] > 10 and box["y"] >= 0, url
        visitor.keyboard.press("Enter")
        in_main = visitor.evaluate("document.activeElement.closest('main') !== null")
        assert in_main, f"{url}: focus did not move into <main>"


@pytest.mark.parametrize("width", WIDTHS.values(), ids=WIDTHS.keys())
def test_every_focusable_element_shows_a_visible_focus_indicator(pages_seen, width):
    missing = []
    for seen in pages_seen(width):
        reached = seen.focus_walk
        assert len(reached) >= 5, f"{seen.url}: the keyboard reached only {len(reached)} elements"
        missing += [
            f"{seen.url}: {focused['tag']} {focused['text']!r}"
            for focused in reached
            if not (focused["outline"] or focused["shadow"])
        ]
    assert not missing, "no visible focus indicator:\n" + "\n".join(missing)


def test_navigation_works_by_keyboard_at_phone_width(visitor, served_site):
    # On a phone the menu is folded behind the Menu button: the keyboard opens it.
    visitor.set_viewport_size({"width": 375, "height": 700})
    visitor.goto("/")
    nav_link = visitor.locator("nav[aria-label='Hovedmenu'] a", has_text="Faser")
    assert not nav_link.is_visible()
    for _ in range(10):
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement.textContent.trim()") == "Menu":
            break
    button = visitor.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-expanded") == "false"
    visitor.keyboard.press("Enter")
    assert button.get_attribute("aria-expanded") == "true"
    for _ in range(10):
        visitor.keyboard.press("Tab")
        if visitor.evaluate("document.activeElement.textContent.trim()") == "Faser":
            break
    assert visitor.evaluate("document.activeElement.closest('nav') !== null")
    assert nav_link.is_visible() and nav_link.bounding_box()["height"] >= 44
    visitor.keyboard.press("Enter")
    visitor.wait_for_url("**/faser/")
    assert visitor.locator("h1").inner_text() == "Faser"


def test_no_horizontal_scrolling_at_320_px(visitor, served_site):
    visitor.set_viewport_size({"width": 320, "height": 640})
    wide = []
    for url in every_page(served_site):
        visitor.goto(url)
        scroll, client = visitor.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            wide.append(f"{url}: {scroll} px wide in a {client} px viewport")
        wide += [f"{url}: {problem}" for problem in visitor.evaluate(CUT_OFF_SCRIPT)]
    assert not wide, "\n".join(wide)


def test_nothing_is_cut_off_at_200_percent_zoom(chromium, served_site):
    # 200% zoom of a 1280 px window: 640 CSS px at twice the pixel density.
    context = chromium.new_context(
        base_url=served_site["base_url"],
        viewport={"width": 640, "height": 450},
        device_scale_factor=2,
    )
    page = context.new_page()
    problems = []
    for url in every_page(served_site):
        page.goto(url)
        problems += [f"{url}: {problem}" for problem in page.evaluate(CUT_OFF_SCRIPT)]
    context.close()
    assert not problems, "\n".join(problems)
