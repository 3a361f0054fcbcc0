"""What the admin gives the procesleder beyond Wagtail's defaults (editors/ and accounts/): the
Danish guide behind the help menu, the dashboard's shortcuts, Udgiv as the visible button, a
plain message after Gem kladde, the page chooser opening at the home page, only the groups this
site uses, and login fields that say what they are."""

import json
import re
from importlib import import_module
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import GroupPagePermission, Page, Site

from contacts.models import ContactPerson, Office
from editors.sections import SECTIONS
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.logins import PASSWORD

GUIDE = "/admin/vejledning/"


def sidebar_menu(page) -> str:
    """The sidebar's menu, drawn by a script from data in the page."""
    props = json.loads(page.find("script", id="wagtail-sidebar-props").string)
    return json.dumps(props, ensure_ascii=False)


@pytest.mark.django_db
def test_the_help_menu_and_the_account_panel_lead_to_the_sites_own_guide(
    procesleder_client, seeded
):
    dashboard = soup(procesleder_client.get("/admin/"))
    menu = sidebar_menu(dashboard)
    assert "Vejledning til redaktører" in menu and f'"url": "{GUIDE}"' in menu
    html = str(dashboard)
    assert "guide.wagtail.org" not in html and "docs.wagtail.org" not in html
    assert "What's new" not in html and "Nyheder i Wagtail" not in html
    account_links = {a.get_text(strip=True): a["href"] for a in dashboard.select("a")}
    assert account_links["Vejledning til redaktører"] == GUIDE


@pytest.mark.django_db
def test_the_guide_covers_the_procesleders_tasks_with_pictures(procesleder_client, seeded):
    response = procesleder_client.get(GUIDE)
    assert response.status_code == 200
    page = soup(response)
    assert text_of(response, "title") == "Vejledning til redaktører - Faxe i Fællesskab"
    headings = [h.get_text(strip=True) for h in page.select("main section h2")]
    assert headings == [section.title for section in SECTIONS]
    for task in ("Ret en side", "Tilføj et billede", "Skriv en fortælling", "Planlæg"):
        assert any(h.startswith(task) for h in headings), task
    # Each section's text is there (its steps), and the contents link to every section.
    assert all(len(page.select(f"#{s.slug} li")) >= 2 for s in SECTIONS)
    assert [a["href"] for a in page.select("nav[aria-labelledby=guide-contents] a")] == [
        f"#{s.slug}" for s in SECTIONS
    ]
    pictures = page.select("main figure img")
    assert len(pictures) >= 3
    for img in pictures:
        assert img["alt"] and int(img["width"]) > 0 and int(img["height"]) > 0
        assert img["src"].startswith(settings.STATIC_URL)  # served by the site, no other host
        name = img["src"].removeprefix(settings.STATIC_URL).split("?")[0]
        assert (Path(settings.BASE_DIR) / "static" / name).stat().st_size > 5_000


@pytest.mark.django_db
def test_visitors_are_sent_to_log_in_for_the_guide(client, seeded):
    response = client.get(GUIDE)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.django_db
def test_the_dashboard_opens_with_the_procesleders_shortcuts(procesleder_client, seeded):
    dashboard = soup(procesleder_client.get("/admin/"))
    panel = dashboard.select_one("section[aria-labelledby=shortcuts-heading]")
    links = {a.get_text(strip=True): a["href"] for a in panel.select("a")}
    assert list(links) == [
        "Skriv en fortælling",
        "Opret en aktivitet",
        "Se tilmeldinger",
        "Sider til gennemgang",
        "Vejledning",
    ]
    story_form = procesleder_client.get(links["Skriv en fortælling"])
    assert text_of(story_form, "title").startswith("Ny: Fortælling")
    activity_form = procesleder_client.get(links["Opret en aktivitet"])
    assert text_of(activity_form, "title").startswith("Ny: Aktivitet")
    assert procesleder_client.get(links["Se tilmeldinger"]).status_code == 200
    assert procesleder_client.get(links["Sider til gennemgang"]).status_code == 200
    assert links["Vejledning"] == GUIDE


@pytest.mark.django_db
def test_an_editor_who_may_not_add_stories_gets_no_shortcut_to_it(
    client, seeded, django_user_model
):
    # Edits Baggrund only (a group of its own): no story, no activity, no sign-ups.
    group = Group.objects.create(name="Kun Baggrund")
    group.permissions.add(
        *Group.objects.get(name="Procesleder").permissions.filter(codename="access_admin")
    )
    baggrund = Page.objects.get(slug="baggrund")
    GroupPagePermission.objects.create(group=group, page=baggrund, permission_type="change")
    user = django_user_model.objects.create_user("skribent", password=PASSWORD)
    user.groups.add(group)
    client.force_login(user)
    panel = soup(client.get("/admin/")).select_one("section[aria-labelledby=shortcuts-heading]")
    assert [a.get_text(strip=True) for a in panel.select("a")] == [
        "Sider til gennemgang",
        "Vejledning",
    ]


def footer_buttons(response) -> list[str]:
    """The page editor's footer: the visible button first, then those under the arrow."""
    footer = soup(response).select_one("footer")
    return [b.get_text(" ", strip=True) for b in footer.select("button[type=submit]")]


@pytest.mark.django_db
def test_udgiv_is_the_visible_button_and_gem_kladde_comes_next(procesleder_client, seeded):
    baggrund = Page.objects.get(slug="baggrund")
    edit = procesleder_client.get(f"/admin/pages/{baggrund.pk}/edit/")
    buttons = footer_buttons(edit)
    assert buttons[0] == "Udgiv" and buttons[1] == "Gem kladde"
    # Gem kladde keeps its keyboard shortcut under the arrow.
    draft = next(
        b for b in soup(edit).select("footer button") if b.get_text(strip=True) == "Gem kladde"
    )
    assert draft["data-w-kbd-key-value"] == "mod+s"
    add = procesleder_client.get(
        f"/admin/pages/add/stories/storypage/{Page.objects.get(slug='fortaellinger').pk}/"
    )
    assert footer_buttons(add)[0] == "Udgiv"


@pytest.mark.django_db
def test_udgiv_is_the_visible_button_for_contacts_and_offices_too(procesleder_client, seeded):
    for model in (ContactPerson, Office):
        url = f"/admin/snippets/contacts/{model._meta.model_name}/edit/{model.objects.first().pk}/"
        buttons = footer_buttons(procesleder_client.get(url))
        assert buttons[0] == "Udgiv" and buttons[1] == "Gem kladde", model


@pytest.mark.django_db
def test_an_editor_who_may_not_publish_keeps_gem_kladde_first(client, seeded, django_user_model):
    group = Group.objects.create(name="Skribenter")
    group.permissions.add(
        *Group.objects.get(name="Procesleder").permissions.filter(codename="access_admin")
    )
    home = Site.objects.get(is_default_site=True).root_page
    GroupPagePermission.objects.create(group=group, page=home, permission_type="change")
    user = django_user_model.objects.create_user("skribent", password=PASSWORD)
    user.groups.add(group)
    client.force_login(user)
    buttons = footer_buttons(
        client.get(f"/admin/pages/{Page.objects.get(slug='baggrund').pk}/edit/")
    )
    assert buttons[0] == "Gem kladde" and "Udgiv" not in buttons


@pytest.mark.django_db
def test_gem_kladde_says_the_page_is_saved_and_not_published(procesleder_client, client, seeded):
    baggrund = Page.objects.get(slug="baggrund").specific
    data = page_edit_data(procesleder_client, baggrund, introduction="Et udkast til en ny start.")
    response = procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", data, follow=True)
    message = text_of(response, ".messages")
    assert "'Baggrund' er gemt som kladde" in message
    assert "Kladden er ikke udgivet: klik Udgiv, når besøgende må se den." in message
    assert "Et udkast til en ny start." not in client.get("/baggrund/").content.decode()


@pytest.mark.django_db
def test_the_page_chooser_opens_at_the_home_page(procesleder_client, seeded):
    home = Site.objects.get(is_default_site=True).root_page
    chooser = procesleder_client.get("/admin/choose-page/")
    assert chooser.status_code == 200
    html = BeautifulSoup(json.loads(chooser.content)["html"], "html.parser")
    # The home page is the parent shown (and choosable); its children are listed.
    titles = html.get_text(" ")
    assert home.title in titles and "Baggrund" in titles
    assert json.loads(chooser.content)["parent_page_id"] == home.pk
    # Going up to the tree's root still works, as before.
    root = procesleder_client.get(f"/admin/choose-page/{Page.get_first_root_node().pk}/")
    assert json.loads(root.content)["parent_page_id"] == 1


@pytest.mark.django_db
def test_the_redirect_forms_page_chooser_opens_at_the_home_page(procesleder_client, seeded):
    """The redirect form's chooser asks for any page by the base type's name."""
    home = Site.objects.get(is_default_site=True).root_page
    chooser = procesleder_client.get("/admin/choose-page/?page_type=wagtailcore.page")
    assert json.loads(chooser.content)["parent_page_id"] == home.pk
    # A chooser for one page type (a story's activity) starts where Wagtail starts it.
    activity = procesleder_client.get("/admin/choose-page/?page_type=activities.activitypage")
    assert json.loads(activity.content)["parent_page_id"] != home.pk


@pytest.mark.django_db
def test_the_page_chooser_is_for_editors_only(client, seeded):
    assert client.get("/admin/choose-page/").status_code == 302


@pytest.mark.django_db
def test_the_link_choosers_say_linktekst(procesleder_client, seeded):
    for url in ("/admin/choose-external-link/", "/admin/choose-email-link/"):
        html = json.loads(procesleder_client.get(url).content)["html"]
        assert "Linktekst" in html and "Link text" not in html, url


@pytest.mark.django_db
def test_only_the_procesleder_group_is_offered(seeded):
    assert list(Group.objects.values_list("name", flat=True)) == ["Procesleder"]


@pytest.mark.django_db
def test_a_default_group_someone_was_put_in_is_kept(seeded, django_user_model):
    migration = import_module("accounts.migrations.0002_remove_wagtails_default_groups")
    kept, gone = Group.objects.create(name="Editors"), Group.objects.create(name="Moderators")
    django_user_model.objects.create_user("gammel-redaktoer").groups.add(kept)
    migration.remove_unused_default_groups(apps, None)
    assert Group.objects.filter(pk=kept.pk).exists()
    assert not Group.objects.filter(pk=gone.pk).exists()


@pytest.mark.django_db
def test_the_login_fields_say_what_they_are(seeded):
    login = soup(Client().get("/admin/login/"))
    username = login.select_one("input[name=username]")
    assert username["autocomplete"] == "username"
    assert username["placeholder"] == "Skriv dit brugernavn"
    assert login.select_one("input[name=password]")["autocomplete"] == "current-password"


def test_the_reports_show_no_programmers_names(procesleder_client, seeded):
    aging = text_of(procesleder_client.get("/admin/reports/aging-pages/"))
    assert "None" not in aging and "ukendt" in aging  # the seeded pages have no publisher
    types = procesleder_client.get("/admin/reports/page-types-usage/")
    assert not re.search(r"\b(pages|home|stories|activities)\.\w+page\b", text_of(types))
