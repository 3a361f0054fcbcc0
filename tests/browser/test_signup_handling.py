"""The sign-ups as the procesleder and the visitors handle them in Chromium: the procesleder
downloads the sign-ups with the visible Danish buttons and both files read as Danish Excel reads
them; a visitor cancels from the link in the confirmation e-mail, and the procesleder sees the
waiting list move up. The served site (gunicorn, another process) writes its mail to files
(faxeif/settings/test.py, EMAIL_FILE_PATH), which the test reads."""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.support.mail import mail_to
from tests.support.spreadsheets import HEADINGS, csv_rows, xlsx_sheets

pytestmark = pytest.mark.sqlite_only

ONE_SEAT = "/aktiviteter/workshop-med-en-plads/"


def downloaded(page, name: str) -> bytes:
    with page.expect_download() as download:
        page.get_by_role("link", name=name, exact=True).click()
    return Path(download.value.path()).read_bytes()


def test_procesleder_downloads_the_filtered_sign_ups_as_danish_excel(procesleder_page):
    page = procesleder_page
    page.get_by_role("link", name="Tilmeldinger").first.click()
    expect(page.get_by_role("heading", name="Tilmeldinger")).to_be_visible()
    page.goto("/admin/tilmeldinger/?status=waiting")
    # In the header, without opening a menu.
    expect(page.get_by_role("link", name="Hent som Excel", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Hent som CSV", exact=True)).to_be_visible()

    header, *rows = csv_rows(downloaded(page, "Hent som CSV"))
    assert header == HEADINGS
    assert ("Fuldt booket workshop", "Jens Jensen", "Venteliste") in {
        (row[0], row[2], row[6]) for row in rows
    }
    assert {row[6] for row in rows} == {"Venteliste"}, "the filter applies"

    sheets = xlsx_sheets(downloaded(page, "Hent som Excel"))
    assert list(sheets) == ["Tilmeldinger"]
    header, *rows = sheets["Tilmeldinger"]
    assert header == HEADINGS
    assert "Jens Jensen" in [row[2] for row in rows]
    assert {row[6] for row in rows} == {"Venteliste"}


def sign_up(visitor, name: str) -> None:
    visitor.goto(ONE_SEAT)
    visitor.get_by_role("link", name=re.compile("^Tilmeld dig")).click()
    visitor.get_by_label("Navn").fill(name)
    visitor.get_by_label("Arbejdsmail").fill(f"{name.lower()}@faxekommune.dk")
    visitor.get_by_label("Arbejdsplads").fill("Haslev Bibliotek")
    visitor.locator("form.signup-form button[type=submit]").click()
    expect(visitor.locator("h1")).to_have_text(re.compile("Tak for din tilmelding|ventelisten"))


def test_a_visitor_cancels_from_the_e_mail_and_the_waiting_list_moves_up(
    visitor, procesleder_page, served_site
):
    sign_up(visitor, "Asta")
    visitor.context.clear_cookies()
    sign_up(visitor, "Bent")  # the one seat is taken: Bent waits
    expect(visitor.locator("h1")).to_have_text("Du står på ventelisten")
    visitor.goto(ONE_SEAT)
    expect(visitor.locator(".signup-box")).to_contain_text(
        "Fuldt booket – skriv dig på ventelisten"
    )

    [confirmation] = mail_to(served_site, "asta@faxekommune.dk", "Tilmelding:")
    link = re.search(r"^http://\S+afmelding=\S+$", confirmation.body, re.MULTILINE).group(0)
    parts = urlsplit(link)
    visitor.context.clear_cookies()  # the sign-up form's
    visitor.goto(f"{parts.path}?{parts.query}")
    expect(visitor.locator("h1")).to_have_text("Afmeld dig Workshop med én plads")
    visitor.get_by_role("button", name="Afmeld").click()
    expect(visitor.locator("h1")).to_have_text("Du er afmeldt")
    assert visitor.context.cookies() == []

    [seat] = mail_to(served_site, "bent@faxekommune.dk", "Du har fået en plads")
    assert "nu er du tilmeldt" in seat.body

    procesleder_page.goto("/admin/tilmeldinger/")
    rows = procesleder_page.locator("table tbody tr")
    expect(rows.filter(has_text="bent@faxekommune.dk")).to_contain_text("Tilmeldt")
    expect(rows.filter(has_text="asta@faxekommune.dk")).to_have_count(0)

    # The link again: plainly said, nothing more happens.
    visitor.goto(f"{parts.path}?{parts.query}")
    expect(visitor.locator("h1")).to_have_text("Du er allerede afmeldt")
    visitor.goto(ONE_SEAT)
    expect(visitor.locator(".signup-box")).to_contain_text("Fuldt booket")
