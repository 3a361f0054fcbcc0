"""The Papirkurv in the admin: in the Procesleder's menu, listing each trashed page with its type,
original place, who deleted it, when, and when it goes for good; "Gendan" for the Procesleder,
"Slet permanent" for superusers only (refused on the server, GET and POST); hostile ids are 404;
the Papirkurv stays out of the page explorer and the page chooser, and nobody edits a trashed
page."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page

from tests.support.html import soup, text_of
from trash.models import TrashedPage
from trash.operations import move_to_trash, trash_root

DENIED = "Beklager, du har ikke rettigheder"


@pytest.fixture
def trashed_faser(seeded, procesleder):
    return move_to_trash(seeded["faser"], procesleder)


@pytest.mark.django_db
def test_the_procesleder_finds_the_papirkurv_in_the_menu_with_every_detail(
    procesleder_client, trashed_faser
):
    TrashedPage.objects.update(trashed_at=timezone.make_aware(datetime.datetime(2026, 6, 2, 14, 5)))
    dashboard = procesleder_client.get(reverse("wagtailadmin_home"))
    assert reverse("trash:index") in dashboard.content.decode()
    assert "Papirkurv" in dashboard.content.decode()

    listing = procesleder_client.get(reverse("trash:index"))

    assert listing.status_code == 200
    assert text_of(listing, "h1") == "Papirkurv"
    rows = soup(listing).select("main table tbody tr")
    assert len(rows) == 1
    row = " ".join(rows[0].get_text(" ").split())
    for expected in (
        "Faser",
        "og 3 undersider",
        "Faseoversigt",
        "Forside",
        "/faser/",
        "Proces",
        "02.06.2026 - 14:05",
        "31.08.2026 - 14:05",  # 90 days later
        "Gendan",
    ):
        assert expected in row, expected
    assert "Slet permanent" not in row
    headers = [th.get_text(" ", strip=True) for th in soup(listing).select("main table thead th")]
    assert headers[:6] == [
        "Titel",
        "Type",
        "Oprindelig placering",
        "Slettet af",
        "Slettet",
        "Slettes for altid",
    ]


@pytest.mark.django_db
def test_an_empty_papirkurv_says_so(procesleder_client, seeded):
    assert "Papirkurven er tom" in text_of(procesleder_client.get(reverse("trash:index")), "main")


@pytest.mark.django_db
def test_the_procesleder_cannot_delete_for_good_by_any_route(
    procesleder_client, trashed_faser, seeded
):
    for entry_id in (trashed_faser.pk, trashed_faser.pk + 1000):
        url = reverse("trash:delete", args=[entry_id])
        for method in (procesleder_client.get, procesleder_client.post):
            answer = method(url, follow=True)
            assert answer.redirect_chain and DENIED in answer.content.decode()
    # Wagtail's own delete view on the trashed page (and its subpages) is refused too.
    for page in seeded["faser"].get_descendants(inclusive=True):
        url = reverse("wagtailadmin_pages:delete", args=[page.pk])
        for method in (procesleder_client.get, procesleder_client.post):
            answer = method(url, follow=True)
            assert answer.redirect_chain and DENIED in answer.content.decode()
    bulk = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    procesleder_client.post(f"{bulk}?id={seeded['faser'].pk}")

    assert Page.objects.filter(pk=seeded["faser"].pk).exists()
    assert TrashedPage.objects.filter(pk=trashed_faser.pk).exists()


@pytest.mark.django_db
def test_restoring_is_a_post(procesleder_client, trashed_faser):
    url = reverse("trash:restore", args=[trashed_faser.pk])
    assert procesleder_client.get(url).status_code == 405
    assert TrashedPage.objects.filter(pk=trashed_faser.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("entry_id", ["999999", "9" * 30, "-1", "abc", "1.5", "%00"])
def test_hostile_ids_are_404(procesleder_client, admin_client, trashed_faser, entry_id):
    for client, action in ((procesleder_client, "gendan"), (admin_client, "slet")):
        for method in (client.get, client.post):
            answer = method(f"/admin/papirkurv/{entry_id}/{action}/")
            assert answer.status_code in (404, 405), (action, answer.status_code)
    assert TrashedPage.objects.filter(pk=trashed_faser.pk).exists()


@pytest.mark.django_db
def test_a_superuser_is_offered_slet_permanent(admin_client, trashed_faser):
    listing = admin_client.get(reverse("trash:index"))
    link = soup(listing).find("a", href=reverse("trash:delete", args=[trashed_faser.pk]))
    assert link is not None and "Slet permanent" in link.get_text()


@pytest.mark.django_db
def test_the_papirkurv_stays_out_of_the_explorer_and_the_chooser(admin_client, trashed_faser):
    root = Page.get_first_root_node()
    explorer = text_of(admin_client.get(reverse("wagtailadmin_explore", args=[root.pk])), "main")
    assert "Forside" in explorer and "Papirkurv" not in explorer

    chooser = admin_client.get(reverse("wagtailadmin_choose_page_search"), {"q": "Faser"})
    assert chooser.status_code == 200 and "Faser" not in chooser.content.decode()
    browse = admin_client.get(reverse("wagtailadmin_choose_page_child", args=[root.pk]))
    assert browse.status_code == 200 and "Papirkurv" not in browse.content.decode()


@pytest.mark.django_db
def test_nobody_edits_publishes_or_moves_a_trashed_page(admin_client, trashed_faser, seeded):
    phase = seeded["phases"][0]
    for url in (
        reverse("wagtailadmin_pages:edit", args=[phase.pk]),
        reverse("wagtailadmin_pages:move", args=[phase.pk]),
        reverse("wagtailadmin_pages:copy", args=[phase.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[phase.pk]),
    ):
        answer = admin_client.get(url, follow=True)
        assert DENIED in answer.content.decode(), url
    assert Page.objects.get(pk=phase.pk).get_ancestors().filter(pk=trash_root().pk).exists()


@pytest.mark.django_db
def test_gendan_works_with_csrf_checks_as_in_a_browser(procesleder, trashed_faser):
    client = Client(enforce_csrf_checks=True)
    client.force_login(procesleder)
    form = soup(client.get(reverse("trash:index"))).find(
        "form", action=reverse("trash:restore", args=[trashed_faser.pk])
    )
    token = form.find("input", attrs={"name": "csrfmiddlewaretoken"})["value"]

    answer = client.post(form["action"], {"csrfmiddlewaretoken": token})

    assert answer.status_code == 302
    assert Client().get("/faser/").status_code == 200
