"""The frame of every public page as visitors see it (issue 13): a compact header on phones with
a Menu button that unfolds the menu and the search form (with the site's script, and without
JavaScript), the menu and a labelled search in one row on a desktop, the page's heading near the
top of a phone's screen, grids that fit their cards, a footer that ends the window, and a printed
page with the content, its address and its update date but no menu, search or footer."""

import re

import pytest

from tests.support.browser import every_page

# What a browser finds in the rendered pages: the same markup on either database.
pytestmark = pytest.mark.sqlite_only

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


def test_the_heading_starts_within_200_px_on_a_phone(pages_seen):
    late = [
        f"{seen.url}: {seen.layout['heading']:.0f} px"
        for seen in pages_seen(375)
        if seen.layout["heading"] is None or seen.layout["heading"] > 200
    ]
    assert not late, "the page's heading starts too far down:\n" + "\n".join(late)


def test_the_footer_ends_the_window_on_short_pages(pages_seen):
    # The 404 page is the shortest: no white band under its footer at 1280 px.
    bands = [
        f"{seen.url}: {seen.layout['belowFooter']:.0f} px under the footer"
        for seen in pages_seen(1280)
        if seen.layout["belowFooter"] is not None and seen.layout["belowFooter"] > 1
    ]
    assert not bands, "\n".join(bands)


def test_a_row_holds_at_most_three_cards(pages_seen):
    grids = [(seen.url, grid) for seen in pages_seen(1280) for grid in seen.layout["grids"]]
    assert any(len(grid["items"]) > 3 for _, grid in grids), "no listing of four or more cards"
    crowded = [(url, grid) for url, grid in grids if grid["firstRow"] > 3]
    assert not crowded, crowded


def test_one_or_two_cards_fill_their_row(pages_seen):
    few = [
        (seen.url, grid)
        for seen in pages_seen(1280)
        for grid in seen.layout["grids"]
        if 1 <= len(grid["items"]) <= 2
    ]
    assert few, "the fixture has no listing with one or two cards"
    for url, grid in few:
        assert grid["rows"] == 1, url
        if len(grid["items"]) == 2:
            # Two cards share the row between them, no empty third column.
            assert sum(grid["items"]) >= 0.9 * grid["width"], (url, grid)
        else:
            # A lone card: at least half the row, at most a readable width (40rem).
            assert 0.5 * grid["width"] <= grid["items"][0] <= 641, (url, grid)


def test_the_menu_button_unfolds_the_menu_and_the_search_on_a_phone(chromium, served_site):
    context = chromium.new_context(base_url=served_site["base_url"], viewport=PHONE)
    page = context.new_page()
    page.goto("/baggrund/")
    header = page.locator("header.site-header")
    assert header.bounding_box()["height"] <= 80
    menu = page.locator("#menu")
    button = page.get_by_role("button", name="Menu")
    assert button.get_attribute("aria-controls") == "menu"
    assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    button.click()
    assert button.get_attribute("aria-expanded") == "true"
    assert page.get_by_role("navigation", name="Hovedmenu").is_visible()
    assert page.get_by_label("Søg på sitet").is_visible()
    # Escape folds it again and leaves the focus on the button.
    page.get_by_role("link", name="Faser").focus()
    page.keyboard.press("Escape")
    assert button.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    assert page.evaluate("document.activeElement.textContent.trim()") == "Menu"
    # The search form in the menu works.
    button.click()
    page.get_by_label("Søg på sitet").fill("samskabelse")
    page.get_by_role("button", name="Søg", exact=True).click()
    page.wait_for_url(re.compile(r"/soeg/\?q=samskabelse"))
    context.close()


def test_the_menu_unfolds_without_javascript(chromium, served_site):
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport=PHONE, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/baggrund/")
    nav = page.get_by_role("navigation", name="Hovedmenu")
    assert not nav.is_visible()
    page.get_by_role("link", name="Menu").click()
    assert nav.is_visible() and page.get_by_label("Søg på sitet").is_visible()
    nav.get_by_role("link", name="Aktiviteter").click()
    page.wait_for_url("**/aktiviteter/")
    context.close()


def test_a_desktop_header_is_one_row_with_the_menu_and_a_labelled_search(chromium, served_site):
    context = chromium.new_context(base_url=served_site["base_url"], viewport=DESKTOP)
    page = context.new_page()
    for url in every_page(served_site):
        page.goto(url)
        header = page.locator("header.site-header").bounding_box()
        assert header["height"] <= 100, f"{url}: a header of {header['height']:.0f} px"
        assert not page.get_by_role("button", name="Menu").is_visible(), url
        links = page.locator("nav.main-nav a")
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(links.count())}
        assert len(tops) == 1, f"{url}: the menu takes {len(tops)} rows"
        label = page.locator("label.site-search__label")
        if label.count():  # the search page has its own form in place of the header's
            assert label.is_visible() and label.inner_text() == "Søg på sitet", url
            field = page.locator(".site-search__input").bounding_box()
            assert field["y"] < header["y"] + header["height"], url
    context.close()


def test_the_owner_bar_links_to_faxe_kommune(visitor, served_site):
    visitor.goto("/")
    link = visitor.locator(".owner-bar a")
    assert visitor.locator(".owner-bar").inner_text() == "En del af Faxe Kommune"
    assert link.get_attribute("href") == "https://www.faxekommune.dk/"
    assert link.is_visible()


def test_a_printed_page_shows_the_content_its_address_and_update_date(visitor, served_site):
    visitor.goto("/baggrund/")
    visitor.emulate_media(media="print")
    for hidden in ["nav.main-nav", ".site-search", "nav.breadcrumbs", "footer.site-footer"]:
        assert not visitor.locator(hidden).is_visible(), hidden
    assert visitor.locator("h1").inner_text() == "Baggrund"
    # The content (other tests edit Baggrund's text): its body and its contact card.
    assert visitor.locator("main .page-body").is_visible()
    assert visitor.locator("main .contact-card").first.is_visible()
    address = visitor.locator(".print-only")
    assert address.is_visible()
    assert address.inner_text() == f"Adresse: {served_site['base_url']}/baggrund/"
    assert re.fullmatch(
        r"Opdateringsdato: \d\d\.\d\d\.\d{4} - \d\d:\d\d", visitor.locator(".updated").inner_text()
    )
    pdf = visitor.pdf()
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    visitor.emulate_media(media="screen")
    assert not address.is_visible()


def test_the_link_after_a_list_of_cards_keeps_its_distance(visitor, served_site):
    # Fortællinger: the RSS link under the cards (it used to touch the card above it).
    visitor.goto("/fortaellinger/")
    cards = visitor.locator("main .cards").last.bounding_box()
    link = visitor.locator(".feed-link").bounding_box()
    assert link["y"] - (cards["y"] + cards["height"]) >= 24
