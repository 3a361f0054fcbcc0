"""Marking a page reviewed in a real browser, as the Procesleder: the dashboard lists their
overdue page (tests/browser/site.py makes one), one click on "Marker som gennemgået" takes it off
the list and says the new date; and the same click from the page editor's header menu, which
posts through the admin's own script. tests/test_review.py checks what is stored on both
databases."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from review.models import add_months

pytestmark = pytest.mark.sqlite_only


def next_review() -> str:
    return f"{add_months(timezone.localdate(), 12):%d.%m.%Y}"


def test_procesleder_marks_an_overdue_page_reviewed_from_the_dashboard(procesleder_page):
    editor = procesleder_page
    editor.goto("/admin/")
    panel = editor.locator("#pages-to-review-content")
    row = panel.locator("tr", has_text="Lidt forhistorie")
    expect(row).to_contain_text("(forfalden)")
    link = row.get_by_role("link", name="Lidt forhistorie")
    expect(link).to_be_visible()
    edit_url = link.get_attribute("href")

    row.get_by_role("button", name="Marker som gennemgået").click()
    expect(editor.locator(".messages")).to_contain_text(
        f"'Lidt forhistorie' er markeret som gennemgået. Næste gennemgang: {next_review()}."
    )
    expect(editor).to_have_url(re.compile(r"/admin/$"))
    expect(panel.get_by_role("link", name="Lidt forhistorie")).to_have_count(0)

    # The editor shows the new date (tab Synlighed).
    editor.goto(edit_url)
    editor.get_by_role("tab", name="Synlighed").click()
    expect(editor.get_by_label("Næste gennemgang")).to_have_value(next_review())


def test_procesleder_marks_a_page_reviewed_from_the_editors_header(procesleder_page):
    editor = procesleder_page
    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Baggrund", exact=True).first.click()
    editor.get_by_role("navigation", name="Handlinger", exact=True).get_by_role("button").click()
    editor.get_by_role("button", name="Marker som gennemgået").click()
    expect(editor.locator(".messages")).to_contain_text(
        f"'Baggrund' er markeret som gennemgået. Næste gennemgang: {next_review()}."
    )
    expect(editor.get_by_role("heading", level=1)).to_contain_text("Baggrund")
