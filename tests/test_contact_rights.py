"""The contact snippets' preview in the site's own templates, the Procesleder's rights over them,
and what the admin refuses (hostile input, deleting an office people belong to); the history
that existing contacts get. As a Procesleder in the admin."""

import importlib
import json

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.test import Client

from contacts.models import ContactPerson, Office
from tests.support.contacts import (
    NEW_PHONE,
    OFFICE_URL,
    OLD_PHONE,
    PERSON_URL,
    office_data,
    person_data,
    publish,
    shown_everywhere,
)
from tests.support.html import soup, text_of


@pytest.fixture
def person(seeded):
    return seeded["process_leader"]


# Preview


@pytest.mark.django_db
def test_a_person_previews_as_their_contact_card_and_the_footer(procesleder_client, person):
    url = f"{PERSON_URL}/preview/{person.pk}/"
    response = procesleder_client.post(url, person_data(person, phone=NEW_PHONE))
    assert json.loads(response.content)["is_valid"]
    preview = procesleder_client.get(url)
    assert preview.status_code == 200
    page = soup(preview)
    assert page.html["lang"] == "da"
    assert page.find("link", rel="stylesheet")["href"].startswith("/static/css/site")
    card = page.select_one("main .contact-card")
    assert card.find("a", href="tel:+4556203000").get_text() == NEW_PHONE
    assert "Frederiksgade 9, 1. sal" in card.get_text()
    assert NEW_PHONE in text_of(preview, "footer")
    assert OLD_PHONE not in text_of(preview)
    assert shown_everywhere(OLD_PHONE)  # previewing publishes nothing


@pytest.mark.django_db
def test_an_office_previews_as_its_part_of_the_contact_page(procesleder_client, person):
    office = person.office
    url = f"{OFFICE_URL}/preview/{office.pk}/"
    changed = office_data(office, street_address="Torvegade 15")
    assert json.loads(procesleder_client.post(url, changed).content)["is_valid"]
    preview = procesleder_client.get(url)
    section = soup(preview).select_one("main .office")
    assert "Torvegade 15" in section.get_text() and "Thomas Børager" in section.get_text()
    assert "Torvegade 15" in text_of(preview, "footer")
    assert "Torvegade 15" not in text_of(Client().get("/kontakt/"))


# Rights and refusals


@pytest.mark.django_db
def test_the_procesleder_group_may_publish_lock_and_unlock_contacts_and_offices():
    rights = set(
        Group.objects.get(name="Procesleder")
        .permissions.filter(content_type__app_label="contacts")
        .values_list("codename", flat=True)
    )
    for model in ("contactperson", "office"):
        for action in ("add", "change", "delete", "publish", "lock", "unlock"):
            assert f"{action}_{model}" in rights


@pytest.mark.django_db
def test_the_procesleder_locks_and_unlocks_a_contact(procesleder_client, person):
    assert procesleder_client.post(f"{PERSON_URL}/lock/{person.pk}/").status_code == 302
    person.refresh_from_db()
    assert person.locked
    assert procesleder_client.post(f"{PERSON_URL}/unlock/{person.pk}/").status_code == 302
    person.refresh_from_db()
    assert not person.locked


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["draft", "publish"])
@pytest.mark.parametrize(
    "changes,message",
    [
        ({"phone": "21 66\r\n83 03"}, "Skriv telefonnummeret med cifre"),
        ({"phone": "2" * 5000}, "må højst have 20 tegn (den har 5000)"),
        ({"name": "Å" * 100_000}, "må højst have 200 tegn (den har 100000)"),
        ({"email": "tbrag@faxekommune.dk\r\nBcc: alle@example.com"}, "gyldig e-mail-adresse"),
    ],
)
def test_hostile_input_is_refused_in_danish_and_nothing_changes(
    procesleder_client, person, changes, message, action
):
    data = person_data(person, **changes)
    response = procesleder_client.post(
        f"{PERSON_URL}/edit/{person.pk}/", publish(data) if action == "publish" else data
    )
    assert response.status_code == 200
    assert message in text_of(response)
    person.refresh_from_db()
    assert not person.has_unpublished_changes and person.revisions.count() == 1
    assert shown_everywhere(OLD_PHONE)


@pytest.mark.django_db
def test_an_office_with_people_cannot_be_deleted_and_says_so_in_danish(procesleder_client, person):
    url = f"{OFFICE_URL}/delete/{person.office_id}/"
    page = procesleder_client.get(url)
    assert page.status_code == 200
    assert "forhindrer sletning" in text_of(page, "main")
    assert not soup(page).select("main form button[type=submit]")
    response = procesleder_client.post(url, follow=True)
    assert response.status_code in (200, 403)
    assert Office.objects.filter(pk=person.office_id).exists()
    # Nor from the listing's bulk action.
    bulk = f"/admin/bulk/contacts/office/delete/?id={person.office_id}"
    assert "forhindrer sletning" in text_of(procesleder_client.get(bulk), "main")
    assert procesleder_client.post(bulk, follow=True).status_code in (200, 403)
    assert Office.objects.filter(pk=person.office_id).exists()


@pytest.mark.django_db
def test_the_procesleder_deletes_a_contact_person(procesleder_client, person):
    url = f"{PERSON_URL}/delete/{person.pk}/"
    assert procesleder_client.get(url).status_code == 200
    assert procesleder_client.post(url).status_code == 302
    assert not ContactPerson.objects.exists()
    assert "Thomas Børager" not in text_of(Client().get("/"), "footer")
    # ...and then the office, which nobody belongs to any more.
    url = f"{OFFICE_URL}/delete/{person.office_id}/"
    assert procesleder_client.post(url).status_code == 302
    assert not Office.objects.exists()
    assert "Frederiksgade 9" not in text_of(Client().get("/"), "footer")


@pytest.mark.django_db
def test_an_office_whose_only_person_is_a_draft_cannot_be_deleted_either(
    procesleder_client, person
):
    ContactPerson.objects.filter(pk=person.pk).update(live=False)
    response = procesleder_client.post(f"{OFFICE_URL}/delete/{person.office_id}/", follow=True)
    assert response.status_code in (200, 403)
    assert Office.objects.filter(pk=person.office_id).exists()


# Existing contacts and the seed


@pytest.mark.django_db
def test_the_seed_publishes_contacts_with_a_first_revision(person):
    for contact in (person, person.office):
        assert contact.live and not contact.has_unpublished_changes
        assert contact.live_revision == contact.latest_revision
        assert contact.revisions.count() == 1


@pytest.mark.django_db
def test_contacts_from_before_get_a_live_first_revision_and_back(procesleder_client, seeded):
    migration = importlib.import_module("contacts.migrations.0004_contacts_live_with_a_revision")
    office = Office.objects.create(
        name="Kontoret i Faxe", street_address="Torvegade 15", postal_code="4640", city="Faxe"
    )
    migration.publish_existing(apps, None)
    office.refresh_from_db()
    assert office.live and office.live_revision == office.latest_revision
    assert office.live_revision.content["street_address"] == "Torvegade 15"
    first = office.live_revision
    assert "Torvegade 15" in text_of(Client().get("/kontakt/"))
    # The history offers to return to it once there is a later version.
    edit = f"{OFFICE_URL}/edit/{office.pk}/"
    procesleder_client.post(edit, publish(office_data(office, street_address="Torvegade 16")))
    history = procesleder_client.get(f"{OFFICE_URL}/history/{office.pk}/")
    assert f"revisions/{first.pk}/revert/" in history.content.decode()

    migration.remove_revisions(apps, None)
    office.refresh_from_db()
    assert office.latest_revision is None and not office.revisions.exists()
    assert "Torvegade 16" in text_of(Client().get("/kontakt/"))
