"""The Papirkurv (trash/): the Procesleder's "Slet" moves a page and its subpages there; nothing of
it is public meanwhile (pages, menus, listings, search, sitemap, feeds, calendars, redirects, the
page cache); "Gendan" puts it back at the same address with its revisions and redirects; after
TRASH_RETENTION_DAYS `manage.py purge_trash` deletes it for good. The admin's Papirkurv and its
rights: tests/test_trash_admin.py; simultaneous restores: tests/test_trash_concurrency.py."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision

from pages.models import ContentPage
from tests.support.html import text_of
from tests.support.showcase_activities import days_ahead, publish_activity
from tests.support.showcase_stories import add_story
from trash.models import TrashedPage
from trash.operations import trash_root

RESTORE_PROMISE = "Den kan gendannes fra Papirkurven i 90 dage"


def trash(client, page):
    """The procesleder's "Slet" on a page: Wagtail's delete URL, confirmed."""
    return client.post(reverse("wagtailadmin_pages:delete", args=[page.pk]), follow=True)


def restore(client, page):
    entry = TrashedPage.objects.get(page=page)
    return client.post(reverse("trash:restore", args=[entry.pk]), follow=True)


def status(url) -> int:
    return Client().get(url).status_code


def sitemap() -> str:
    return Client().get("/sitemap.xml").content.decode()


def search(words) -> str:
    return text_of(Client().get("/soeg/", {"q": words}), "main")


@pytest.mark.django_db
def test_a_trashed_page_with_subpages_is_gone_from_everything_public_and_comes_back(
    procesleder_client, seeded
):
    faser, phase = seeded["faser"], seeded["phases"][1]
    urls = [faser.url, phase.url]
    Redirect.objects.create(old_path="/gammel-fase", redirect_page=phase)
    revisions = Revision.page_revisions.filter(object_id=str(phase.pk)).count()
    visitor = Client()
    # The page cache holds what shows the phases: the menu on the home page, the timeline.
    assert "Faser" in text_of(visitor.get("/"), "nav")
    assert phase.title in text_of(visitor.get("/baggrund/"), "main")
    assert visitor.get("/baggrund/")["X-Cache"] == "HIT"

    confirmation = procesleder_client.get(reverse("wagtailadmin_pages:delete", args=[faser.pk]))
    assert "Dens 3 undersider kommer med" in text_of(confirmation, "main")
    assert "gendanne den fra Papirkurven i 90 dage" in text_of(confirmation, "main")
    answer = trash(procesleder_client, faser)

    assert RESTORE_PROMISE in text_of(answer)
    assert [status(url) for url in urls] == [404, 404]
    assert Client().get("/gammel-fase/").status_code == 404
    assert "Faser" not in text_of(visitor.get("/"), "nav")
    assert phase.title not in text_of(visitor.get("/baggrund/"), "main")
    assert not any(url in sitemap() for url in urls)
    assert "0 resultater for" in search(phase.title)
    # Not lost: the page, its subpages and revisions are in the Papirkurv.
    assert Page.objects.get(pk=phase.pk).get_ancestors().filter(pk=trash_root().pk).exists()
    listing = procesleder_client.get(reverse("trash:index"))
    assert "Faser" in text_of(listing, "main") and "og 3 undersider" in text_of(listing, "main")

    answer = restore(procesleder_client, faser)

    assert "er gendannet og ligger igen på /faser/" in text_of(answer)
    assert [status(url) for url in urls] == [200, 200]
    assert Client().get("/gammel-fase/")["Location"] == phase.url
    assert "Faser" in text_of(visitor.get("/"), "nav")
    assert phase.title in text_of(visitor.get("/baggrund/"), "main")
    assert all(url in sitemap() for url in urls)
    assert "1 resultat for" in search(phase.title)
    assert Revision.page_revisions.filter(object_id=str(phase.pk)).count() == revisions
    # The moves left no redirect behind, neither into the trash nor back.
    assert set(Redirect.objects.values_list("old_path", flat=True)) == set(
        Redirect.objects.exclude(automatically_created=True).values_list("old_path", flat=True)
    )
    assert not TrashedPage.objects.exists()


@pytest.mark.django_db
def test_a_restored_page_keeps_its_place_in_the_menu_and_unpublished_pages_stay_so(
    procesleder_client, seeded
):
    home = seeded["home"]
    draft = seeded["baggrund"].add_child(instance=ContentPage(title="Udkast", live=False))
    draft.save_revision()
    order = [page.pk for page in home.get_children()]

    trash(procesleder_client, seeded["baggrund"])
    restore(procesleder_client, seeded["baggrund"])

    assert [page.pk for page in home.get_children()] == order
    assert Page.objects.get(pk=seeded["baggrund"].pk).live
    assert not Page.objects.get(pk=draft.pk).live


@pytest.mark.django_db
def test_stories_and_activities_leave_their_feed_calendar_and_listings(procesleder_client, seeded):
    story = add_story(title="Fortælling om Papirkurven")
    activity = publish_activity("Temadag i papirkurven", "temadag-papirkurv", days_ahead(20))

    trash(procesleder_client, story)
    trash(procesleder_client, activity)

    visitor = Client()
    assert "Fortælling om Papirkurven" not in visitor.get("/fortaellinger/feed/").content.decode()
    assert "Fortælling om Papirkurven" not in text_of(visitor.get("/fortaellinger/"), "main")
    assert "Temadag i papirkurven" not in visitor.get("/aktiviteter/kalender.ics").content.decode()
    assert "Temadag i papirkurven" not in text_of(visitor.get("/aktiviteter/"), "main")
    assert visitor.get(activity.url + "kalender.ics").status_code == 404

    restore(procesleder_client, story)
    assert "Fortælling om Papirkurven" in visitor.get("/fortaellinger/feed/").content.decode()


@pytest.mark.django_db
def test_a_taken_slug_is_explained_in_danish_and_nothing_moves(procesleder_client, seeded):
    trash(procesleder_client, seeded["baggrund"])
    newcomer = seeded["home"].add_child(instance=ContentPage(title="Ny baggrund", slug="baggrund"))
    newcomer.save_revision().publish()

    answer = restore(procesleder_client, seeded["baggrund"])

    assert answer.status_code == 200
    assert "adressen /baggrund/ nu bruges af siden 'Ny baggrund'" in text_of(answer)
    assert TrashedPage.objects.filter(page=seeded["baggrund"]).exists()
    assert text_of(Client().get("/baggrund/"), "h1") == "Ny baggrund"


@pytest.mark.django_db
def test_a_page_whose_parent_is_in_the_trash_waits_for_it(procesleder_client, seeded):
    phase = seeded["phases"][0]
    trash(procesleder_client, phase)
    trash(procesleder_client, seeded["faser"])

    answer = restore(procesleder_client, phase)
    assert "som også ligger i papirkurven. Gendan 'Faser' først" in text_of(answer)

    restore(procesleder_client, seeded["faser"])
    restore(procesleder_client, phase)
    assert status(phase.url) == 200


@pytest.mark.django_db
def test_a_page_whose_parent_was_deleted_for_good_returns_under_the_home_page(
    procesleder_client, admin_user, seeded
):
    page = seeded["baggrund"].add_child(instance=ContentPage(title="Program", slug="program"))
    page.save_revision().publish()
    trash(procesleder_client, page)
    trash(procesleder_client, seeded["baggrund"])
    call_purge(days_ago=91, page=seeded["baggrund"])

    answer = restore(procesleder_client, page)

    assert "ligger nu under forsiden" in text_of(answer)
    assert status("/program/") == 200


def call_purge(days_ago=None, page=None) -> str:
    if days_ago is not None:
        TrashedPage.objects.filter(page=page).update(
            trashed_at=timezone.now() - datetime.timedelta(days=days_ago)
        )
    out = io.StringIO()
    call_command("purge_trash", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_purge_deletes_after_90_days_and_not_before(procesleder_client, seeded):
    faser, phase = seeded["faser"], seeded["phases"][0]
    trash(procesleder_client, faser)
    redirect = Redirect.objects.create(old_path="/gammel", redirect_page=seeded["baggrund"])
    trash(procesleder_client, seeded["baggrund"])

    assert "Deleted 0 pages" in call_purge(days_ago=89, page=faser)
    assert Page.objects.filter(pk=phase.pk).exists()

    assert "Deleted 1 page " in call_purge(days_ago=91, page=faser)
    assert not Page.objects.filter(pk__in=[faser.pk, phase.pk]).exists()
    assert "Deleted 0 pages" in call_purge()  # idempotent
    assert Page.objects.filter(pk=seeded["baggrund"].pk).exists()

    call_purge(days_ago=90 * 2, page=seeded["baggrund"])
    assert not Redirect.objects.filter(pk=redirect.pk).exists()
    assert not TrashedPage.objects.exists()


@pytest.mark.django_db
def test_the_bulk_action_bar_trashes_the_selected_pages(procesleder_client, seeded):
    pages = [seeded["baggrund"], seeded["kontakt"], seeded["faser"], seeded["phases"][0]]
    url = reverse("wagtail_bulk_action", args=["wagtailcore", "page", "delete"])
    url += "?" + "&".join(f"id={page.pk}" for page in pages)

    confirmation = procesleder_client.get(url)
    assert "Vil du lægge disse sider i papirkurven?" in text_of(confirmation, "main")
    answer = procesleder_client.post(url)
    assert answer.status_code == 302
    answer = procesleder_client.get(reverse("wagtailadmin_explore", args=[seeded["home"].pk]))

    # Faser's phase went with Faser.
    assert "3 sider og 3 undersider er lagt i papirkurven" in text_of(answer)
    assert TrashedPage.objects.count() == 3
    assert [status(page.url) for page in pages] == [404] * 4
    assert Page.objects.filter(pk__in=[page.pk for page in pages]).count() == 4


@pytest.mark.django_db
def test_a_scheduled_publication_waits_while_the_page_is_in_the_trash(procesleder_client, seeded):
    baggrund = seeded["baggrund"]
    baggrund.title = "Baggrund, ny udgave"
    go_live = timezone.now() + datetime.timedelta(hours=1)
    revision = baggrund.save_revision(approved_go_live_at=go_live)

    trash(procesleder_client, baggrund)
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at is None
    call_command("publish_scheduled", stdout=io.StringIO())  # nothing is due in the trash

    restore(procesleder_client, baggrund)

    assert Revision.objects.get(pk=revision.pk).approved_go_live_at == go_live
    assert text_of(Client().get("/baggrund/"), "h1") == "Baggrund"
