"""The procesleder's path in a real browser: log in, edit Baggrund, save a draft that visitors
do not see but the preview panel shows, publish, and see the edit on the public page; delete a
page (it goes to the Papirkurv) and restore it (tests/test_page_deletion.py and test_trash*.py
have the rest); and the admin's security policy on the editor's other daily places.

On the SQLite pass only: what the database keeps of these steps (the draft, the preview, the
publication, the trash and its rights) is checked on both passes without a browser
(tests/test_editor.py, tests/test_security_headers.py, tests/test_page_deletion.py); what the
browser adds (the admin's scripts, the preview panel, the menus) is the same on either."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.site import log_in_as_procesleder
from tests.support.browser import watch_for_policy_violations

pytestmark = pytest.mark.sqlite_only

NEW_INTRODUCTION = "Hvorfor gik vi i gang? Procesleder har skrevet en ny indledning."


def public_introduction(chromium, served_site) -> str:
    context = chromium.new_context(base_url=served_site["base_url"])
    page = context.new_page()
    page.goto("/baggrund/")
    text = page.locator("main .lead").inner_text()
    context.close()
    return text


def test_procesleder_edits_saves_a_draft_and_publishes(chromium, served_site):
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    violations = watch_for_policy_violations(context)
    editor = context.new_page()
    log_in_as_procesleder(editor)

    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Baggrund", exact=True).first.click()
    editor.get_by_role("textbox", name="Introduktion").fill(NEW_INTRODUCTION)

    # Udgiv is the visible button; Gem kladde is under the arrow beside it.
    editor.get_by_role("button", name="Flere handlinger").click()
    editor.get_by_role("button", name="Gem kladde").click()
    expect(editor.locator(".messages")).to_contain_text(
        "'Baggrund' er gemt som kladde. Kladden er ikke udgivet"
    )
    # The editor has come back with the draft. Its scripts (the preview panel's among them) are
    # up once they report the editing session; a panel opened before that stays "Indlæser".
    editor.wait_for_event("response", lambda r: "/editing-sessions/ping/" in r.url)
    assert NEW_INTRODUCTION not in public_introduction(chromium, served_site)

    # The preview panel frames the draft as visitors will see it, and the checks measure it.
    editor.get_by_role("button", name="Vis/skjul forhåndsvisning").click()
    preview = editor.frame_locator("#w-preview-iframe")
    expect(preview.locator("h1")).to_have_text("Baggrund")
    expect(preview.locator("main .lead")).to_have_text(NEW_INTRODUCTION)
    editor.get_by_role("button", name="Vis/skjul tjek").click()
    checks = editor.locator("[data-side-panel='checks']")
    expect(checks.locator("[data-content-word-count]")).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(checks.locator("[data-content-reading-time]")).to_have_text(re.compile(r"^\d+ min"))

    editor.get_by_role("button", name="Udgiv", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text("Siden 'Baggrund' er udgivet")

    assert public_introduction(chromium, served_site) == NEW_INTRODUCTION
    assert violations == []
    context.close()


def test_the_editors_other_daily_places_block_nothing(chromium, served_site):
    """The admin's Content-Security-Policy (and the public one, for a logged-in editor, with the
    user bar) blocks nothing on the editor's other daily places."""
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    violations = watch_for_policy_violations(context)
    editor = context.new_page()
    log_in_as_procesleder(editor)
    for url in ("/admin/images/", "/admin/documents/", "/admin/snippets/", "/baggrund/"):
        editor.goto(url)
        editor.wait_for_load_state("networkidle")
    expect(editor.locator("wagtail-userbar")).to_have_count(1)
    assert violations == []
    context.close()


def test_procesleder_deletes_a_page_and_restores_it_from_the_papirkurv(chromium, served_site):
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    violations = watch_for_policy_violations(context)
    editor = context.new_page()
    log_in_as_procesleder(editor)

    # The page editor's menus offer Slet beside Flyt.
    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Baggrund", exact=True).first.click()
    editor.get_by_role("navigation", name="Handlinger", exact=True).get_by_role("button").click()
    header_menu = editor.locator("header [data-w-dropdown-target='content']:visible")
    expect(header_menu).to_contain_text("Flyt")
    expect(header_menu).to_contain_text("Slet")
    editor.keyboard.press("Escape")
    footer_menu = editor.locator("footer")
    expect(footer_menu.get_by_role("button", name="Udgiv", exact=True)).to_be_visible()
    editor.get_by_role("button", name="Flere handlinger").click()
    expect(footer_menu.get_by_role("button", name="Gem kladde")).to_be_visible()
    editor.keyboard.press("Escape")

    # Slet in the page listing's menu, then the confirmation.
    editor.goto("/admin/pages/")
    editor.get_by_role("button", name="Flere muligheder for 'Kontakt'").click()
    editor.locator("[data-w-dropdown-target='content']:visible").get_by_role(
        "link", name="Slet"
    ).click()
    expect(editor.locator("main")).to_contain_text("gendanne den fra Papirkurven i 90 dage")
    editor.get_by_role("button", name="Ja, læg den i papirkurven").click()
    expect(editor.locator(".messages")).to_contain_text("'Kontakt' er lagt i papirkurven")
    assert public_status(chromium, served_site, "/kontakt/") == 404

    editor.get_by_role("link", name="Papirkurv").first.click()
    expect(editor.locator("h1")).to_have_text("Papirkurv")
    editor.get_by_role("button", name="Gendan Kontakt").click()
    expect(editor.locator(".messages")).to_contain_text("'Kontakt' er gendannet")
    expect(editor.locator("main")).to_contain_text("Papirkurven er tom")
    assert public_status(chromium, served_site, "/kontakt/") == 200
    assert violations == []
    context.close()


def public_status(chromium, served_site, path: str) -> int:
    context = chromium.new_context(base_url=served_site["base_url"])
    status = context.new_page().goto(path).status
    context.close()
    return status
