"""What the admin's scripts draw is Danish too (the server-rendered admin:
tests/test_admin_danish.py): the page editor with every block, the image block's fields, the
link chooser's kinds of link and their forms, the dashboard and the help menu. Read as the
procesleder's browser shows them: visible text, and the labels a screen reader reads."""

import pytest
from playwright.sync_api import expect

from tests.support.danish import english_in

pytestmark = pytest.mark.sqlite_only

# Visible text, and what the browser or a screen reader says of an element.
READ_TEXTS = """() => {
    const texts = [document.body.innerText];
    for (const element of document.querySelectorAll('*')) {
        for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
            const value = element.getAttribute(name);
            if (value && element.checkVisibility()) texts.push(value);
        }
    }
    return texts;
}"""


def english_on(page) -> list[str]:
    return english_in(page.evaluate(READ_TEXTS))


def test_the_editor_with_every_block_and_the_link_chooser_are_danish(procesleder_page):
    editor = procesleder_page
    found = {}

    # The sidebar draws the site's mark where Wagtail's bird would be, as a link home.
    sidebar_mark = editor.get_by_role("link", name="Kontrolpanel").locator("img[src$='logo.svg']")
    expect(sidebar_mark).to_be_visible()

    editor.get_by_role("button", name="Hjælp").click()
    help_menu = editor.get_by_role("list", name="Hjælp")
    expect(help_menu.get_by_role("link", name="Vejledning til redaktører")).to_be_visible()
    found["dashboard and help menu"] = english_on(editor)
    editor.keyboard.press("Escape")

    # The showcase page holds every block, the image block among them.
    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Eksempelside", exact=True).first.click()
    image_block = editor.get_by_text("Alternativ tekst").first
    expect(image_block).to_be_visible()
    found["page editor"] = english_on(editor)

    # The link chooser, from a paragraph: Ctrl+K on selected text, then each kind of link.
    paragraph = editor.locator("[data-contents='true']").first
    paragraph.click()
    editor.keyboard.press("End")
    editor.keyboard.press("Shift+Home")
    editor.keyboard.press("Control+k")
    chooser = editor.locator(".modal-content")
    expect(chooser).to_contain_text("Vælg en side")
    found["link chooser, pages"] = english_on(editor)
    for kind in ("Eksternt link", "E-maillink"):
        chooser.get_by_role("link", name=kind).click()
        expect(chooser.get_by_label("Linktekst")).to_be_visible()
        found[f"link chooser, {kind}"] = english_on(editor)

    assert {where: words for where, words in found.items() if words} == {}
