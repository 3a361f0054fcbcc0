"""The procesleder's work in the Danish admin: edit, save a draft, publish; and what they may
not do."""

import pytest
from django.test import Client
from django.urls import reverse
from wagtail.models import Site
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, streamfield

from base.models import SiteSettings
from contacts.models import ContactPerson
from pages.models import ContentPage
from tests.support.editor_posts import page_edit_data
from tests.support.html import text_of

NEW_INTRODUCTION = "Hvorfor gik vi i gang? Her er procesleders nye indledning."


def edit_url(page):
    return f"/admin/pages/{page.pk}/edit/"


@pytest.mark.django_db
def test_page_editor_is_danish(procesleder_client, seeded):
    response = procesleder_client.get(edit_url(seeded["baggrund"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="da"' in html
    for label in ("Udgiv", "Gem kladde", "Undertitel", "Introduktion", "Indhold"):
        assert label in html, label
    # Wagtail's own Danish lacks most admin strings; the project's catalogue (locale/) adds them.
    for label in ("Billeder", "Dokumenter", "Uddrag", "Rapporter"):
        assert label in html, label
    for english in ("Save draft", "More actions", '"Images"', '"Documents"', '"Snippets"'):
        assert english not in html, english


@pytest.mark.django_db
def test_procesleder_saves_a_draft_then_publishes(client, procesleder, seeded):
    baggrund = seeded["baggrund"]
    editor = client.__class__()
    editor.force_login(procesleder)

    draft = page_edit_data(editor, baggrund, introduction=NEW_INTRODUCTION)
    response = editor.post(edit_url(baggrund), draft)
    assert response.status_code == 302
    assert NEW_INTRODUCTION not in text_of(client.get("/baggrund/"))
    saved = ContentPage.objects.get(pk=baggrund.pk)
    assert saved.has_unpublished_changes
    assert saved.get_latest_revision_as_object().introduction == NEW_INTRODUCTION

    publish = page_edit_data(editor, baggrund, **{"action-publish": "action-publish"})
    response = editor.post(edit_url(baggrund), publish)
    assert response.status_code == 302
    public = text_of(client.get("/baggrund/"), "main")
    assert NEW_INTRODUCTION in public
    # The round trip through the editor kept every block of the body.
    assert "Kontakt Faxe i Fællesskab" in public and "Lidt forhistorie" in public
    published = ContentPage.objects.get(pk=baggrund.pk)
    assert [b.block_type for b in published.body] == [b.block_type for b in baggrund.body]
    assert not published.has_unpublished_changes


@pytest.mark.django_db
def test_procesleder_adds_and_publishes_a_page_under_the_home_page(procesleder_client, seeded):
    add_url = reverse("wagtailadmin_pages:add", args=["pages", "contentpage", seeded["home"].pk])
    form = procesleder_client.get(add_url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form").dict()
    data.update(
        title="Program for temadagen",
        slug="program",
        introduction="Sådan forløber dagen.",
        **{"action-publish": "action-publish"},
        **nested_form_data({"body": streamfield([])}),
    )

    assert procesleder_client.post(add_url, data).status_code == 302

    public = Client().get("/program/")
    assert public.status_code == 200
    assert "Program for temadagen" in text_of(public, "h1")
    assert "Sådan forløber dagen." in text_of(public, "main")


@pytest.mark.django_db
def test_procesleder_can_unpublish_a_page(procesleder_client, client, seeded):
    kontakt = seeded["kontakt"]
    response = procesleder_client.post(f"/admin/pages/{kontakt.pk}/unpublish/")
    assert response.status_code == 302
    assert client.get("/kontakt/").status_code == 404


@pytest.mark.django_db
def test_an_image_without_alt_text_is_refused_with_a_danish_message(
    procesleder_client, seeded, image
):
    baggrund = seeded["baggrund"]
    revisions_before = baggrund.revisions.count()
    image_block = {
        "image": {"image": image.pk, "alt_text": "", "decorative": ""},
        "caption": "",
    }
    data = page_edit_data(procesleder_client, baggrund, body=[("image", image_block)])
    del data["body-0-value-image-decorative"]  # an unticked checkbox posts nothing

    response = procesleder_client.post(edit_url(baggrund), data)

    assert response.status_code == 200
    assert "Skriv en alternativ tekst" in response.content.decode()
    assert baggrund.revisions.count() == revisions_before


@pytest.mark.django_db
def test_an_image_with_alt_text_is_saved(procesleder_client, client, seeded, image):
    baggrund = seeded["baggrund"]
    image_block = {
        "image": {"image": image.pk, "alt_text": "Deltagere på en temadag"},
        "caption": "Temadag",
    }
    data = page_edit_data(
        procesleder_client,
        baggrund,
        body=[("image", image_block)],
        **{"action-publish": "action-publish"},
    )
    assert procesleder_client.post(edit_url(baggrund), data).status_code == 302
    saved = ContentPage.objects.get(pk=baggrund.pk)
    assert [b.block_type for b in saved.body] == ["image"]
    html = client.get("/baggrund/").content.decode()
    assert 'alt="Deltagere på en temadag"' in html


# The admin's areas, and whether the README lets the procesleder in.
ADMIN_AREAS = {
    "/admin/users/": False,
    "/admin/groups/": False,
    "/admin/settings/base/sitesettings/": False,
    "/admin/sites/": False,
    "/admin/collections/": False,
    "/admin/pages/": True,
    "/admin/images/": True,
    "/admin/documents/": True,
    "/admin/snippets/contacts/contactperson/": True,
    "/admin/snippets/contacts/office/": True,
}


@pytest.mark.django_db
@pytest.mark.parametrize("url", [url for url, allowed in ADMIN_AREAS.items() if not allowed])
def test_procesleder_cannot_manage_users_groups_or_settings(procesleder_client, seeded, url):
    response = procesleder_client.get(url, follow=True)
    assert response.redirect_chain, f"{url} was shown to a procesleder"
    assert response.redirect_chain[-1][0] in ("/admin/", "/admin/login/?next=" + url)
    assert "Beklager, du har ikke rettigheder" in response.content.decode()


@pytest.mark.django_db
def test_procesleder_cannot_add_users(procesleder_client, seeded, django_user_model):
    users_before = django_user_model.objects.count()
    response = procesleder_client.post(
        "/admin/users/add/",
        {
            "username": "ny",
            "password1": "en-lang-adgangskode-42",
            "password2": "en-lang-adgangskode-42",
        },
    )
    assert response.status_code in (302, 403, 404)
    assert django_user_model.objects.count() == users_before


@pytest.mark.django_db
def test_procesleder_cannot_change_the_site_settings(procesleder_client, seeded):
    site = Site.objects.get(is_default_site=True)
    before = SiteSettings.for_site(site).accessibility_statement_url
    response = procesleder_client.post(
        f"/admin/settings/base/sitesettings/{site.pk}/",
        {"accessibility_statement_url": "https://example.com/"},
        follow=True,
    )
    assert "Beklager, du har ikke rettigheder" in response.content.decode()
    assert SiteSettings.for_site(site).accessibility_statement_url == before
    assert Client().get("/was")["Location"] == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", [url for url, allowed in ADMIN_AREAS.items() if allowed])
def test_procesleder_manages_pages_images_documents_and_contacts(procesleder_client, seeded, url):
    response = procesleder_client.get(url, follow=True)
    assert response.status_code == 200
    assert "Beklager, du har ikke rettigheder" not in response.content.decode()


@pytest.mark.django_db
def test_procesleder_adds_a_contact_person_who_shows_on_the_contact_page(
    procesleder_client, seeded
):
    office = seeded["process_leader"].office
    response = procesleder_client.post(
        "/admin/snippets/contacts/contactperson/add/",
        {
            "name": "Karen Holm",
            "role": "Konsulent",
            "phone": "56 20 30 00",
            "email": "karen.holm@faxekommune.dk",
            "office": office.pk,
            "action-publish": "action-publish",  # a draft is not shown (test_contact_history)
        },
    )
    assert response.status_code == 302
    assert ContactPerson.objects.filter(name="Karen Holm").exists()
    kontakt = text_of(Client().get("/kontakt/"), "main")
    assert "Karen Holm" in kontakt and "Konsulent" in kontakt


@pytest.mark.django_db
def test_login_page_is_danish(client):
    html = client.get("/admin/login/").content.decode()
    for label in ("Brugernavn", "Adgangskode", "Log ind"):
        assert label in html, label
    assert ">Password" not in html
