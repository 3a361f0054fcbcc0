"""Owners and review dates in the admin: every published page has an owner and a next-review
date (12 months after its first publication unless the procesleder chooses another), the
report and the dashboard list what is due or overdue, and one click marks a page reviewed,
which moves the date on, shows in the page's history and changes nothing else."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from pages.models import ContentPage
from review.models import PageReview, add_months
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of

REPORT = "/admin/review/"


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


def due(page) -> datetime.date | None:
    return PageReview.objects.filter(page_id=page.pk).values_list("due", flat=True).first()


def set_due(page, date, owner=None) -> None:
    PageReview.objects.update_or_create(page_id=page.pk, defaults={"due": date})
    Page.objects.filter(pk=page.pk).update(owner=owner)


def reviewed_url(page) -> str:
    return f"/admin/review/{page.pk}/reviewed/"


@pytest.fixture
def due_pages(seeded, procesleder):
    """Baggrund overdue (the procesleder's), Faser due soon (no owner), Kontakt due later."""
    set_due(seeded["baggrund"], days(-10), owner=procesleder)
    set_due(seeded["faser"], days(10))
    set_due(seeded["kontakt"], days(100))
    return seeded


def test_months_are_added_as_a_calendar_does():
    assert add_months(datetime.date(2026, 3, 15), 12) == datetime.date(2027, 3, 15)
    assert add_months(datetime.date(2028, 2, 29), 12) == datetime.date(2029, 2, 28)
    assert add_months(datetime.date(2026, 11, 30), 3) == datetime.date(2027, 2, 28)


@pytest.mark.django_db
def test_the_first_publication_sets_the_date_twelve_months_on_and_later_ones_keep_it(seeded):
    page = seeded["home"].add_child(instance=ContentPage(title="Ny side", live=False))
    assert due(page) is None  # a draft has no date yet
    page.save_revision().publish()
    assert due(page) == add_months(today(), 12)
    set_due(page, days(40))
    page.save_revision().publish()
    assert due(page) == days(40)


@pytest.mark.django_db
def test_the_procesleder_chooses_owner_and_date_in_the_editor(
    procesleder_client, procesleder, seeded
):
    baggrund = seeded["baggrund"]
    editor = soup(procesleder_client.get(f"/admin/pages/{baggrund.pk}/edit/"))
    assert editor.select_one("#id_next_review")["value"] == f"{due(baggrund):%d.%m.%Y}"
    owners = [option.get_text() for option in editor.select("#id_owner option")]
    assert owners == ["Ingen ejer", "Proces"]

    draft = page_edit_data(
        procesleder_client, baggrund, next_review=f"{days(60):%d.%m.%Y}", owner=procesleder.pk
    )
    assert procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", draft).status_code == 302
    # Stored at once, though the page's content waits as a draft.
    assert due(baggrund) == days(60)
    assert Page.objects.get(pk=baggrund.pk).owner == procesleder
    assert Page.objects.get(pk=baggrund.pk).has_unpublished_changes

    # Publishing the draft (made before the change) brings back neither date nor owner.
    publish = page_edit_data(procesleder_client, baggrund, **{"action-publish": "publish"})
    assert procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", publish).status_code == 302
    assert due(baggrund) == days(60)
    assert Page.objects.get(pk=baggrund.pk).owner == procesleder


@pytest.mark.django_db
def test_a_preview_stores_neither_owner_nor_date(procesleder_client, procesleder, seeded):
    baggrund = seeded["baggrund"]
    before = due(baggrund)
    data = page_edit_data(
        procesleder_client, baggrund, next_review=f"{days(60):%d.%m.%Y}", owner=procesleder.pk
    )
    preview = f"/admin/pages/{baggrund.pk}/edit/preview/"
    assert procesleder_client.post(preview, data).json() == {"is_valid": True, "is_available": True}
    assert "Hvad satte det i gang?" in text_of(procesleder_client.get(preview))
    assert due(baggrund) == before
    assert Page.objects.get(pk=baggrund.pk).owner is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field, value, message",
    [
        ("next_review", "", "En udgivet side skal have en dato for næste gennemgang."),
        ("next_review", "01.01.2000", "Vælg en dato fra i dag og frem."),
        ("next_review", "31.02.2027", "Indtast en gyldig dato."),
        ("next_review", "9" * 40, "Indtast en gyldig dato."),
        ("owner", "999999", "Marker en gyldig valgmulighed."),
    ],
)
def test_wrong_owners_and_dates_get_a_danish_message_and_change_nothing(
    procesleder_client, seeded, field, value, message
):
    baggrund = seeded["baggrund"]
    before = due(baggrund)
    data = page_edit_data(procesleder_client, baggrund, **{field: value})
    response = procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", data)
    assert response.status_code == 200
    assert message in text_of(response)
    assert due(baggrund) == before


@pytest.mark.django_db
def test_an_owner_who_is_not_an_editor_is_refused(procesleder_client, seeded, django_user_model):
    visitor = django_user_model.objects.create_user("besoegende", first_name="Bes")
    data = page_edit_data(procesleder_client, seeded["baggrund"], owner=visitor.pk)
    response = procesleder_client.post(f"/admin/pages/{seeded['baggrund'].pk}/edit/", data)
    assert "Marker en gyldig valgmulighed." in text_of(response)
    assert Page.objects.get(pk=seeded["baggrund"].pk).owner is None


@pytest.mark.django_db
def test_a_date_chosen_while_creating_a_page_stands_after_publishing(
    procesleder_client, procesleder, seeded
):
    url = f"/admin/pages/add/pages/contentpage/{seeded['home'].pk}/"
    html = procesleder_client.get(url).content.decode()
    form = querydict_from_html(html, form_id="page-edit-form").dict()
    form.update(nested_form_data({"body": streamfield([])}))
    form.update(title="Ny side", slug="ny-side", action_publish="")
    form.update({"next_review": f"{days(90):%d.%m.%Y}", "action-publish": "publish"})
    form.pop("action_publish")
    response = procesleder_client.post(url, form)
    assert response.status_code == 302, text_of(response)
    page = Page.objects.get(slug="ny-side")
    assert page.live and due(page) == days(90)
    assert page.owner == procesleder  # Wagtail's default: who created it


@pytest.mark.django_db
def test_the_report_lists_overdue_and_soon_due_pages_not_later_ones(procesleder_client, due_pages):
    response = procesleder_client.get(REPORT)
    assert response.status_code == 200
    rows = [
        " | ".join(td.get_text(" ", strip=True) for td in tr("td"))
        for tr in soup(response).select("tbody tr")
    ]
    assert len(rows) == 2
    assert rows[0].startswith("Baggrund") and f"{days(-10):%d.%m.%Y} (forfalden)" in rows[0]
    assert "Proces" in rows[0]
    assert rows[1].startswith("Faser") and "Ingen ejer" in rows[1]
    headings = [th.get_text(" ", strip=True) for th in soup(response).select("thead th")]
    assert headings == ["Side", "Ejer", "Næste gennemgang", "Handling"]
    assert "Kontakt" not in text_of(response, "main")
    forms = soup(response).select("tbody form")
    assert forms[0]["action"] == reviewed_url(due_pages["baggrund"])
    assert forms[0].select_one("[name=next]")["value"] == REPORT
    # In the admin's menu of reports.
    assert "Sider til gennemgang" in procesleder_client.get("/admin/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, titles",
    [
        ("?due=forfalden", ["Baggrund"]),
        ("?due=kommende", ["Faser"]),
        ("?owner=null", ["Faser"]),
        ("?owner=OWNER", ["Baggrund"]),
        ("?owner=abc&due=%27%3B--&p=1", None),  # junk: an answer, never an error
        ("?owner=99999999999999999999", None),
    ],
)
def test_the_report_filters_by_owner_and_by_overdue(
    procesleder_client, procesleder, due_pages, query, titles
):
    query = query.replace("OWNER", str(procesleder.pk))
    response = procesleder_client.get(REPORT + "results/" + query)
    assert response.status_code == 200
    if titles is not None:
        assert [a.get_text(strip=True) for a in soup(response).select("tbody td.title a")] == titles


@pytest.mark.django_db
def test_the_export_is_danish_for_excel(procesleder_client, due_pages):
    report = procesleder_client.get(REPORT).content.decode()
    assert "Hent som Excel-fil (XLSX)" in report and "Download" not in report

    response = procesleder_client.get(REPORT + "?export=csv")
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeffSide;Ejer;Næste gennemgang;Forfalden;Adresse\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[1] == [
        "Baggrund",
        "Proces",
        f"{days(-10):%d.%m.%Y}",
        "Ja",
        "http://localhost/baggrund/",
    ]
    assert rows[2][:4] == ["Faser", "Ingen ejer", f"{days(10):%d.%m.%Y}", "Nej"]

    response = procesleder_client.get(REPORT + "?export=xlsx&due=forfalden")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Sider til gennemgang"]
    sheet = workbook["Sider til gennemgang"]
    header, *rows = sheet.iter_rows(values_only=True)
    assert header == ("Side", "Ejer", "Næste gennemgang", "Forfalden", "Adresse")
    assert [(row[0], row[1], row[2].date(), row[3]) for row in rows] == [
        ("Baggrund", "Proces", days(-10), "Ja")
    ]
    assert sheet.cell(2, 3).number_format == "DD.MM.YYYY"


@pytest.mark.django_db
def test_the_dashboard_shows_the_procesleders_due_pages(
    procesleder_client, due_pages, admin_user, django_user_model
):
    set_due(due_pages["phases"][0], days(-3), owner=admin_user)  # someone else's
    former = django_user_model.objects.create_user("tidligere", is_active=False)
    set_due(due_pages["phases"][1], days(-2), owner=former)  # an owner who has left
    panel = soup(procesleder_client.get("/admin/")).select_one("#pages-to-review-content")
    assert panel is not None
    titles = [a.get_text(strip=True) for a in panel.select("td.title a")]
    assert titles == ["Baggrund", "Det ny Faxe", "Faser"]
    assert (
        panel.select_one("td.title a")["href"] == f"/admin/pages/{due_pages['baggrund'].pk}/edit/"
    )
    buttons = panel.select("form button")
    assert [b.get_text(" ", strip=True) for b in buttons][0] == "Marker som gennemgået : Baggrund"
    assert panel.select_one("form")["action"] == reviewed_url(due_pages["baggrund"])


@pytest.mark.django_db
def test_the_dashboard_says_when_nothing_is_due(procesleder_client, seeded):
    text = text_of(procesleder_client.get("/admin/"), "main")
    assert "Ingen af dine sider skal gennemgås de næste 30 dage." in text


@pytest.mark.django_db
def test_one_click_marks_a_page_reviewed_and_changes_nothing_else(
    procesleder_client, procesleder, due_pages
):
    baggrund, client = due_pages["baggrund"], Client()  # a visitor
    client.get("/baggrund/")
    cached = client.get("/baggrund/")
    assert cached["X-Cache"] == "HIT"
    revisions, page_before = Revision.objects.count(), Page.objects.get(pk=baggrund.pk)

    response = procesleder_client.post(reviewed_url(baggrund), {"next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert due(baggrund) == add_months(today(), 12)

    messages = text_of(procesleder_client.get("/admin/"), ".messages")
    new_date = f"{add_months(today(), 12):%d.%m.%Y}"
    assert f"'Baggrund' er markeret som gennemgået. Næste gennemgang: {new_date}." in messages
    assert Revision.objects.count() == revisions
    page_after = Page.objects.get(pk=baggrund.pk)
    for field in ("latest_revision_id", "last_published_at", "has_unpublished_changes", "title"):
        assert getattr(page_after, field) == getattr(page_before, field), field
    again = client.get("/baggrund/")
    assert again["X-Cache"] == "HIT" and again.content == cached.content

    entry = PageLogEntry.objects.filter(page=baggrund, action="review.reviewed").get()
    assert entry.user == procesleder and not entry.content_changed
    history = text_of(procesleder_client.get(f"/admin/pages/{baggrund.pk}/history/"), "main")
    assert f"Markeret som gennemgået. Næste gennemgang: {new_date}" in history


@pytest.mark.django_db
def test_the_editors_header_offers_the_click(procesleder_client, seeded):
    editor = procesleder_client.get(f"/admin/pages/{seeded['baggrund'].pk}/edit/")
    [button] = soup(editor).select(
        f"[data-w-action-url-value='{reviewed_url(seeded['baggrund'])}']"
    )
    assert button.get_text(" ", strip=True) == "Marker som gennemgået"


@pytest.mark.django_db
def test_marking_reviewed_is_refused_without_a_post_or_edit_rights(
    procesleder_client, procesleder, due_pages, django_user_model
):
    baggrund = due_pages["baggrund"]
    response = procesleder_client.get(reviewed_url(baggrund))
    assert response.status_code == 405
    assert "Brug knappen 'Marker som gennemgået'" in response.content.decode()

    # An editor of images only: admin access, no rights on pages.
    reader = django_user_model.objects.create_user("billeder", password="x")
    group = Group.objects.create(name="Billeder")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    reader.groups.add(group)
    other = Client()
    other.force_login(reader)
    response = other.post(reviewed_url(baggrund), follow=True)
    assert "Beklager, du har ikke rettigheder" in text_of(response)

    assert Client().post(reviewed_url(baggrund)).status_code == 302  # to the login
    assert procesleder_client.post("/admin/review/99999999/reviewed/").status_code == 404
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(procesleder)
    assert forged.post(reviewed_url(baggrund)).status_code == 403
    assert due(baggrund) == days(-10)
    assert not PageLogEntry.objects.filter(action="review.reviewed").exists()


@pytest.mark.django_db
def test_marking_reviewed_returns_to_the_site_only(procesleder_client, due_pages):
    page = due_pages["baggrund"]
    response = procesleder_client.post(reviewed_url(page), {"next": "https://example.com/"})
    assert response["Location"] == f"/admin/pages/{page.pk}/edit/"
