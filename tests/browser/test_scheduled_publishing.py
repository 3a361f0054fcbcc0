"""The procesleder schedules a new page's publication in Wagtail's scheduling dialog, and the page
becomes public by itself at that time, with nobody logged in."""

import re
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.support.visitors import http

# make run's scheduler at the whole minute (a minute's wait): the publishing itself is tested
# on PostgreSQL by tests/test_deploy.py.
pytestmark = pytest.mark.sqlite_only

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
# The admin schedules to the minute; the scheduler runs at every whole minute (make run's
# PUBLISH_SCHEDULED_EVERY=60), so the page is public within seconds of its minute.
ON_TIME = 5.0


def next_whole_minute(at_least: float) -> datetime:
    """The first whole minute at least `at_least` seconds from now, in Danish time."""
    moment = datetime.now(DANISH_TIME) + timedelta(seconds=at_least + 60)
    return moment.replace(second=0, microsecond=0)


def test_procesleder_schedules_a_page_and_it_goes_live_by_itself(procesleder_page, served_site):
    editor, public_url = procesleder_page, served_site["base_url"] + "/planlagt-temadag/"

    editor.goto("/admin/pages/")  # the Forside's sections
    # Below the Forside only a content page may be added: Wagtail opens its form at once.
    editor.get_by_role("link", name="Tilføj en underside", exact=True).click()
    expect(editor).to_have_title(re.compile("Ny: Indholdsside"))
    editor.get_by_role("textbox", name=re.compile("Titel")).first.fill("Planlagt temadag")
    editor.get_by_role("textbox", name="Introduktion").fill(
        "Temadagen bliver offentlig af sig selv."
    )

    editor.get_by_role("button", name="Vis/skjul status").click()
    editor.get_by_role("button", name="Angiv tidsplan").click()
    dialog = editor.get_by_role("dialog")
    expect(dialog).to_contain_text("Angiv udgivelsesplan")
    # Saving the schedule and the page takes a few seconds; the wait is for the minute to come.
    go_live = next_whole_minute(at_least=10)
    dialog.get_by_label("Udgivelsesdato/-tidspunkt").fill(go_live.strftime("%d.%m.%Y %H:%M"))
    # From the keyboard, as an editor who typed the date goes on: the date picker that typing
    # opens may lie over the button, and a click would land on the picker instead.
    dialog.get_by_role("button", name="Gem tidsplan").press("Enter")
    expect(dialog).to_be_hidden()  # the schedule was taken (a date in the past would stay open)
    # With a go-live time set, the visible button (Udgiv) says what it will do.
    editor.get_by_role("button", name="Planlæg udgivelse").click()
    expect(editor.locator(".messages")).to_contain_text(
        "Siden 'Planlagt temadag' er planlagt til udgivelse"
    )

    # Visitors do not see it before its time, and see it shortly after, without anyone's help:
    # the editor is done and closes the admin.
    editor.close()
    assert http(public_url).status == 404
    assert time.time() < go_live.timestamp(), "the test was too slow to see the page before"
    while (visit := http(public_url)).status == 404:
        assert time.time() < go_live.timestamp() + ON_TIME, "the page did not go live"
        time.sleep(0.5)
    assert visit.status == 200
    assert time.time() >= go_live.timestamp()
    assert "Temadagen bliver offentlig af sig selv." in visit.text
