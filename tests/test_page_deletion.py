"""Deleting pages: Wagtail 8 deletes a page for good (there is no trash), so only administrators
delete. The procesleder takes a page off the site by unpublishing it (tests/test_editor.py), and
still moves pages as Wagtail allows. The menus in the browser: tests/browser/test_editor_path.py."""

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, get_page_models

from pages.models import ContentPage
from tests.support import showcase_activities, showcase_stories
from tests.support.html import soup, text_of
from tests.support.showcase import build_showcase

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


def delete_refused(client, page) -> list[str]:
    """What went wrong when the client asked to delete `page`, in the admin's confirmation and
    by posting it: nothing when both were refused and the page is still served."""
    url = reverse("wagtailadmin_pages:delete", args=[page.pk])
    problems = []
    for method in (client.get, client.post):
        answer = method(url, follow=True)
        if not (answer.redirect_chain and DENIED in answer.content.decode()):
            problems.append(f"{method.__name__.upper()} was not refused")
    if not pages_exist(page):
        problems.append("the page is gone")
    elif Client().get(page.url).status_code != 200:
        problems.append("the page is no longer served")
    return problems


@pytest.mark.django_db
def test_procesleder_cannot_delete_a_page_of_any_type(procesleder_client, every_type):
    # Every type in one site (building it takes most of the time), each checked on its own.
    problems = {
        model._meta.label: delete_refused(procesleder_client, one_page_of(model))
        for model in PAGE_TYPES
    }
    assert {label: found for label, found in problems.items() if found} == {}
    assert {"home.HomePage", "activities.ActivityPage", "stories.StoryPage"} <= problems.keys()


@pytest.mark.django_db
def test_the_bulk_delete_action_deletes_nothing_for_the_procesleder(procesleder_client, seeded):
    leaves = [seeded["baggrund"], seeded["kontakt"], seeded["phases"][0]]
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    url += "?" + urlencode([("id", page.pk) for page in leaves])

    confirmation = procesleder_client.get(url)
    assert confirmation.status_code == 200
    assert "Du har ikke tilladelse til at slette disse sider" in text_of(confirmation, "main")
    procesleder_client.post(url)

    assert pages_exist(*leaves)


@pytest.mark.django_db
def test_the_page_listing_and_the_page_header_offer_the_procesleder_no_delete(
    procesleder_client, seeded
):
    listing = procesleder_client.get(reverse("wagtailadmin_explore", args=[seeded["home"].pk]))
    assert listing.status_code == 200
    assert "Baggrund" in text_of(listing, "main")
    assert delete_links(listing) == []

    for page in (seeded["baggrund"], seeded["phases"][0], seeded["kontakt"]):
        editor = procesleder_client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
        assert editor.status_code == 200
        assert delete_links(editor) == []


@pytest.mark.django_db
def test_a_superuser_is_offered_delete_and_deletes(admin_client, seeded):
    baggrund = seeded["baggrund"]
    listing = admin_client.get(reverse("wagtailadmin_explore", args=[seeded["home"].pk]))
    assert f"/admin/pages/{baggrund.pk}/delete/" in " ".join(delete_links(listing))
    editor = admin_client.get(reverse("wagtailadmin_pages:edit", args=[baggrund.pk]))
    assert f"/admin/pages/{baggrund.pk}/delete/" in " ".join(delete_links(editor))

    url = reverse("wagtailadmin_pages:delete", args=[baggrund.pk])
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url).status_code == 302

    assert not pages_exist(baggrund)
    assert Client().get("/baggrund/").status_code == 404


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
