"""The procesleder prepares a change of phone number in the snippets admin: saved as a draft
(visitors still see the old number), scheduled in the publishing dialog, public by itself at its
minute, and undone from the history. The previews of a contact person and of an office, in the
site's own templates, are accessible (axe) and valid HTML. What each step stores is checked on
both passes without a browser (tests/test_contact_history.py, tests/test_contact_rights.py)."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.browser import axe_report, html_errors
from tests.support.visitors import http

# make run's scheduler at the whole minute (a minute's wait), as tests/browser/
# test_scheduled_publishing.py waits for a page.
pytestmark = pytest.mark.sqlite_only

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
ON_TIME = 10.0  # the scheduler runs at every whole minute: public within seconds of it
OLD_PHONE, NEW_PHONE = "21 66 83 03", "56 20 30 09"
# ms: on a busy machine an admin save and the preview panel take longer than expect's 5 s.
SAVE_WAIT = 30_000
PREVIEW_WAIT = 60_000  # the panel renders the preview, then the admin's checks run in it


def next_whole_minute(at_least: float) -> datetime:
    moment = datetime.now(DANISH_TIME) + timedelta(seconds=at_least + 60)
    return moment.replace(second=0, microsecond=0)


def footer(served_site) -> str:
    answer = http(served_site["base_url"] + "/")
    assert answer.status == 200
    return answer.text.split('<footer class="site-footer">', 1)[1]


def test_procesleder_schedules_a_new_phone_number_and_reverts_it(procesleder_page, served_site):
    editor = procesleder_page
    editor.goto("/admin/snippets/contacts/contactperson/")
    editor.get_by_role("link", name="Thomas Børager (Procesleder)").click()
    expect(editor.get_by_role("textbox", name="Telefon")).to_have_value(
        OLD_PHONE, timeout=SAVE_WAIT
    )
    editor.get_by_role("textbox", name="Telefon").fill(NEW_PHONE)
    # Udgiv is the visible button; Gem kladde is under the arrow beside it.
    editor.get_by_role("button", name="Flere handlinger").click()
    editor.get_by_role("button", name="Gem kladde").click()
    expect(editor.locator(".messages")).to_contain_text("er opdateret", timeout=SAVE_WAIT)
    history_url = re.sub(r"/edit/(\d+)/$", r"/history/\1/", editor.url)  # a draft stays here
    assert "/history/" in history_url
    assert OLD_PHONE in footer(served_site) and NEW_PHONE not in footer(served_site)

    editor.get_by_role("button", name="Vis/skjul status").click()
    editor.get_by_role("button", name="Angiv tidsplan").click()
    dialog = editor.get_by_role("dialog")
    expect(dialog).to_contain_text("Angiv udgivelsesplan", timeout=SAVE_WAIT)
    go_live = next_whole_minute(at_least=30)  # saving it takes seconds
    dialog.get_by_label("Udgivelsesdato/-tidspunkt").fill(go_live.strftime("%d.%m.%Y %H:%M"))
    dialog.get_by_role("button", name="Gem tidsplan").press("Enter")  # see the page's test
    expect(dialog).to_be_hidden(timeout=SAVE_WAIT)
    editor.get_by_role("button", name="Planlæg udgivelse").click()
    expect(editor.locator(".messages")).to_contain_text(
        "er udgivet, og denne version er planlagt til udgivelse", timeout=SAVE_WAIT
    )

    assert time.time() < go_live.timestamp(), "the test was too slow to see the old number"
    assert OLD_PHONE in footer(served_site)
    while NEW_PHONE not in footer(served_site):
        assert time.time() < go_live.timestamp() + ON_TIME, "the new number did not go live"
        time.sleep(0.5)
    assert time.time() >= go_live.timestamp()
    assert OLD_PHONE not in footer(served_site)

    # Undo: the first version, from the history, published again.
    editor.goto(history_url)
    # Newest first: the first version is the last row; its actions are in a menu.
    editor.locator("main table").get_by_role("button", name="Handlinger").last.click()
    editor.get_by_role("link", name="Se og gendan denne version").click()
    expect(editor.get_by_role("textbox", name="Telefon")).to_have_value(
        OLD_PHONE, timeout=SAVE_WAIT
    )
    editor.get_by_role("button", name="Udgiv denne version").click()
    expect(editor.locator(".messages")).to_contain_text("er udgivet", timeout=SAVE_WAIT)
    assert OLD_PHONE in footer(served_site) and NEW_PHONE not in footer(served_site)


@pytest.mark.parametrize(
    "listing,name,shown,text",
    [
        ("contactperson", "Thomas Børager (Procesleder)", "main .contact-card", "Thomas Børager"),
        (
            "office",
            "Kontoret for kulturudvikling, innovation og samskabelse",
            "main .office",
            "Frederiksgade 9",
        ),
    ],
)
def test_previews_are_the_sites_own_accessible_and_valid(
    procesleder_page, listing, name, shown, text, tmp_path
):
    editor = procesleder_page
    editor.goto(f"/admin/snippets/contacts/{listing}/")
    editor.get_by_role("link", name=name).click()
    editor.get_by_role("button", name="Vis/skjul forhåndsvisning").click()
    # The panel swaps in a new frame once the preview has loaded: wait for the text, not for
    # a frame that may still be the one swapped out.
    preview = editor.frame_locator("#w-preview-iframe").locator(shown)
    expect(preview).to_contain_text(text, timeout=PREVIEW_WAIT)

    # The preview the panel frames, in a tab of its own: axe and the Nu HTML Checker.
    preview_url = editor.url.replace("/edit/", "/preview/")
    tab = editor.context.new_page()
    tab.goto(preview_url)
    expect(tab.locator("footer")).to_contain_text("Kontakt Faxe i Fællesskab", timeout=SAVE_WAIT)
    assert axe_report(tab) is None
    (tmp_path / "preview.html").write_text(editor.request.get(preview_url).text())
    errors, status = html_errors([tmp_path / "preview.html"])
    assert errors == [] and status == 0
