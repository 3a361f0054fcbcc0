"""Deleting pages: Wagtail's "Slet" moves a page with its subpages to the Papirkurv
(base/permissions.py, trash/), for the Procesleder as for administrators; only administrators
delete for good, from the Papirkurv. No site's home page goes to the trash. The procesleder still
moves pages as Wagtail allows. The Papirkurv itself: tests/test_trash.py, test_trash_admin.py."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, get_page_models

from home.models import HomePage
from pages.models import ContentPage
from tests.support import showcase_activities, showcase_stories
from tests.support.html import soup, text_of
from tests.support.showcase import build_showcase
from trash.models import TrashedPage

PAGE_TYPES = [model for model in get_page_models() if model is not Page]
DELETE_LINK = re.compile(r"^/admin/pages/\d+/delete/")
DENIED = "Beklager, du har ikke rettigheder"


@pytest.fixture
def every_type(seeded, image):
    """The seeded site with one page of every page type."""
    build_showcase(image)
    showcase_activities.build(image)
    showcase_stories.build(image)


def one_page_of(model) -> Page:
    """A page of this type, a leaf one where there is one (Wagtail's own rule lets editors with
    change and publish rights delete leaf pages)."""
    page = model.objects.order_by("numchild", "path").first()
    assert page is not None, f"the showcase has no {model._meta.label}"
    return page


def delete_links(response) -> list[str]:
    return [a["href"] for a in soup(response).find_all("a", href=DELETE_LINK)]


def pages_exist(*pages) -> bool:
    return Page.objects.filter(pk__in=[page.pk for page in pages]).count() == len(pages)


def trash_problems(client, page) -> list[str]:
    """What went wrong when the client deleted `page` through the admin (confirmation, then
    posting it): nothing when it was asked in Danish and the page went to the Papirkurv whole,
    no longer served."""
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    problems = []
    if "papirkurven" not in text_of(client.get(url), "main"):
        problems.append("GET did not ask to move it to the Papirkurv")
    subtree = list(page.get_descendants(inclusive=True))
    client.post(url)
    if not pages_exist(*subtree):
        problems.append("pages were deleted for good")
    elif not TrashedPage.objects.filter(page=page).exists():
        problems.append("the page is not in the Papirkurv")
    if Client().get(page.url).status_code != 404:
        problems.append("the page is still served")
    return problems


@pytest.mark.django_db
def test_procesleder_moves_a_page_of_any_type_to_the_trash(procesleder_client, every_type):
    # Every type in one site (building it takes most of the time), each checked on its own,
    # deepest first so that no page has gone with its parent.
    pages = sorted(
        (one_page_of(model) for model in PAGE_TYPES if model is not HomePage),
        key=lambda page: -page.depth,
    )
    problems = {
        page.specific_class._meta.label: trash_problems(procesleder_client, page) for page in pages
    }
    assert {label: found for label, found in problems.items() if found} == {}
    assert {"activities.ActivityPage", "stories.StoryPage", "pages.PhaseIndexPage"} <= (
        problems.keys()
    )


@pytest.mark.django_db
def test_nobody_moves_the_home_page_to_the_trash(procesleder_client, admin_client, seeded):
    url = reverse("wagtailadmin_pages:delete", args=[seeded["home"].pk])
    for client in (procesleder_client, admin_client):
        for method in (client.get, client.post):
            answer = method(url, follow=True)
            assert answer.redirect_chain and DENIED in answer.content.decode()
    assert Client().get("/").status_code == 200
    assert not TrashedPage.objects.exists()


@pytest.mark.django_db
def test_the_page_listing_and_the_page_header_offer_the_procesleder_slet(
    procesleder_client, seeded
):
    listing = procesleder_client.get(reverse("wagtailadmin_explore", args=[seeded["home"].pk]))
    assert listing.status_code == 200
    for page in (seeded["baggrund"], seeded["faser"], seeded["kontakt"]):
        assert f"/admin/pages/{page.pk}/delete/" in " ".join(delete_links(listing))
        editor = procesleder_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert f"/admin/pages/{page.pk}/delete/" in " ".join(delete_links(editor))
    # Not for the home page.
    home = procesleder_client.get(reverse("wagtailadmin_pages:edit", args=[seeded["home"].pk]))
    assert delete_links(home) == []


@pytest.mark.django_db
def test_a_superuser_moves_to_the_trash_too_and_deletes_for_good_from_there(admin_client, seeded):
    baggrund = seeded["baggrund"]
    url = reverse("wagtailadmin_pages:delete", args=[baggrund.pk])
    assert "papirkurven" in text_of(admin_client.get(url), "main")
    assert admin_client.post(url).status_code == 302
    assert pages_exist(baggrund)
    assert Client().get("/baggrund/").status_code == 404

    entry = TrashedPage.objects.get(page=baggrund)
    delete = reverse("trash:delete", args=[entry.pk])
    assert "kan ikke gendannes bagefter" in text_of(admin_client.get(delete), "main")
    answer = admin_client.post(delete, follow=True)
    assert "er slettet for altid" in text_of(answer)
    assert not pages_exist(baggrund)


@pytest.mark.django_db
def test_procesleder_still_moves_a_page(procesleder_client, seeded):
    page = seeded["home"].add_child(instance=ContentPage(title="Program", slug="program"))
    page.save_revision().publish()
    baggrund = seeded["baggrund"]

    response = procesleder_client.post(
        reverse("wagtailadmin_pages:move_confirm", args=[page.pk, baggrund.pk])
    )

    assert response.status_code == 302
    visitor = Client()
    assert visitor.get("/baggrund/program/").status_code == 200
    # Wagtail leaves a permanent redirect at the old address.
    assert visitor.get("/program/")["Location"] == "/baggrund/program/"
