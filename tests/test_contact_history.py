"""Contacts and offices have a history, as pages do: the procesleder prepares a change as a draft,
publishes it now or at a time of their choosing, unpublishes, and returns to an earlier version.
Visitors see only what is published, everywhere contacts show, and the page cache renews on
publishing, never on a draft. All done as a Procesleder in the admin (the preview, the rights and
the refusals: tests/test_contact_rights.py)."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.models import ModelLogEntry

from contacts.models import ContactPerson, Office
from tests.support.contacts import (
    NEW_PHONE,
    OFFICE_URL,
    OLD_PHONE,
    PERSON_URL,
    danish,
    in_json_ld,
    person_data,
    publish,
    seen,
    shown_everywhere,
    shown_nowhere,
)
from tests.support.html import soup, text_of
from tests.support.showcase_activities import sign_up


@pytest.fixture
def person(seeded):
    return seeded["process_leader"]


# Drafts and publishing


@pytest.mark.django_db
def test_a_draft_change_leaves_the_live_values_on_the_site(procesleder_client, person):
    assert shown_everywhere(OLD_PHONE)
    response = procesleder_client.post(
        f"{PERSON_URL}/edit/{person.pk}/", person_data(person, phone=NEW_PHONE)
    )
    assert response.status_code == 302
    message = text_of(procesleder_client.get(response["Location"]), ".messages")
    assert "opdateret" in message
    assert shown_everywhere(OLD_PHONE) and shown_nowhere(NEW_PHONE)
    assert not in_json_ld("+4556203000")
    # The editor shows the draft, and says that the live version is older.
    editor = procesleder_client.get(f"{PERSON_URL}/edit/{person.pk}/")
    assert f'value="{NEW_PHONE}"' in editor.content.decode()
    person.refresh_from_db()
    assert person.live and person.has_unpublished_changes and person.phone == OLD_PHONE


@pytest.mark.django_db
def test_publishing_shows_the_change_everywhere(procesleder_client, person):
    procesleder_client.post(f"{PERSON_URL}/edit/{person.pk}/", person_data(person, phone=NEW_PHONE))
    response = procesleder_client.post(
        f"{PERSON_URL}/edit/{person.pk}/", publish(person_data(person, phone=NEW_PHONE))
    )
    assert response.status_code == 302
    assert "udgivet" in text_of(procesleder_client.get(response["Location"]), ".messages")
    assert shown_everywhere(NEW_PHONE) and shown_nowhere(OLD_PHONE)
    assert in_json_ld("+4556203000")


@pytest.mark.django_db
def test_a_new_person_or_office_saved_as_a_draft_is_shown_nowhere(
    procesleder_client, person, temadag
):
    response = procesleder_client.post(
        f"{OFFICE_URL}/add/",
        {
            "name": "Kontoret i Faxe",
            "street_address": "Torvegade 15",
            "postal_code": "4640",
            "city": "Faxe",
        },
    )
    assert response.status_code == 302
    office = Office.objects.get(name="Kontoret i Faxe")
    response = procesleder_client.post(
        f"{PERSON_URL}/add/",
        {
            "name": "Karen Holm",
            "role": "Konsulent",
            "phone": "56 20 30 01",
            "email": "karen.holm@faxekommune.dk",
            "office": person.office_id,
            "show_in_footer": "on",
        },
    )
    assert response.status_code == 302
    assert not office.live and not ContactPerson.objects.get(name="Karen Holm").live
    for url in ("/", "/kontakt/"):
        page = text_of(Client().get(url))
        assert "Karen Holm" not in page and "Torvegade 15" not in page, url
    assert not in_json_ld("Karen Holm") and not in_json_ld("Torvegade 15")
    sign_up(Client(), temadag, email="meha@faxekommune.dk")
    assert "tbrag@faxekommune.dk" in mail.outbox[0].body
    assert "Karen Holm" not in mail.outbox[0].body


@pytest.mark.django_db
def test_a_card_of_a_person_who_is_a_draft_is_not_shown(person, client, seeded):
    # Baggrund's card names the process leader; a person who has never been published (a page
    # may choose one) leaves no card.
    ContactPerson.objects.filter(pk=person.pk).update(live=False)
    assert client.get("/baggrund/").status_code == 200
    assert soup(client.get("/baggrund/")).select("main .contact-card") == []


# The page cache


@pytest.mark.django_db
def test_the_cache_renews_on_publishing_and_not_on_a_draft(procesleder_client, person):
    pages = ["/", "/faser/", "/baggrund/", "/kontakt/"]
    visitor = Client()
    for url in pages:
        assert visitor.get(url)["X-Cache"] == "MISS"
    edit = f"{PERSON_URL}/edit/{person.pk}/"
    procesleder_client.post(edit, person_data(person, phone=NEW_PHONE))
    for url in pages:
        assert visitor.get(url)["X-Cache"] == "HIT", url
    procesleder_client.post(edit, publish(person_data(person, phone=NEW_PHONE)))
    for url in pages:
        response = visitor.get(url)
        assert response["X-Cache"] == "MISS", url
        # In the footer, or where the page shows the contact itself (Baggrund's card, Kontakt).
        assert NEW_PHONE in text_of(response, "body"), url


# Scheduled publishing


@pytest.mark.django_db
def test_a_scheduled_change_goes_live_when_publish_scheduled_runs_at_its_time(
    procesleder_client, person, clock
):
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    response = procesleder_client.post(
        f"{PERSON_URL}/edit/{person.pk}/",
        publish(person_data(person, phone=NEW_PHONE, go_live_at=danish(go_live))),
    )
    assert response.status_code == 302
    message = text_of(procesleder_client.get(response["Location"]), ".messages")
    assert "planlagt" in message
    assert shown_everywhere(OLD_PHONE)

    clock(go_live - datetime.timedelta(minutes=1))
    call_command("publish_scheduled")
    assert shown_everywhere(OLD_PHONE) and shown_nowhere(NEW_PHONE)

    clock(go_live + datetime.timedelta(seconds=1))
    call_command("publish_scheduled")
    assert shown_everywhere(NEW_PHONE) and shown_nowhere(OLD_PHONE)
    person.refresh_from_db()
    assert person.phone == NEW_PHONE and not person.has_unpublished_changes


@pytest.mark.django_db
def test_a_new_person_scheduled_for_later_stays_off_the_site_until_then(
    procesleder_client, person, clock
):
    go_live = (timezone.now() + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    new = {
        "name": "Karen Holm",
        "role": "Konsulent",
        "phone": "56 20 30 01",
        "office": person.office_id,
        "show_in_footer": "on",
        "go_live_at": danish(go_live),
    }
    assert procesleder_client.post(f"{PERSON_URL}/add/", publish(new)).status_code == 302
    call_command("publish_scheduled")
    assert "Karen Holm" not in seen("/") and "Karen Holm" not in seen("/kontakt/")
    clock(go_live + datetime.timedelta(seconds=1))
    call_command("publish_scheduled")
    assert "Karen Holm" in seen("/") and "Karen Holm" in text_of(Client().get("/kontakt/"))


@pytest.mark.django_db
def test_a_scheduled_change_locks_the_contact_until_the_schedule_is_cancelled(
    procesleder_client, person
):
    go_live = timezone.now() + datetime.timedelta(hours=2)
    edit = f"{PERSON_URL}/edit/{person.pk}/"
    procesleder_client.post(
        edit, publish(person_data(person, phone=NEW_PHONE, go_live_at=danish(go_live)))
    )
    scheduled = person.revisions.get(approved_go_live_at__isnull=False)
    refused = procesleder_client.post(edit, person_data(person, phone="56 20 30 02"))
    assert "låst" in text_of(refused, ".messages")
    assert person.revisions.count() == 2  # the first version and the scheduled one
    cancel = f"{PERSON_URL}/history/{person.pk}/revisions/{scheduled.pk}/unschedule/"
    assert procesleder_client.post(cancel).status_code == 302
    procesleder_client.post(edit, publish(person_data(person, phone="56 20 30 02")))
    assert shown_everywhere("56 20 30 02") and shown_nowhere(NEW_PHONE)


@pytest.mark.django_db
def test_an_expiry_time_takes_the_person_off_the_site_when_it_comes(
    procesleder_client, person, clock
):
    expiry = (timezone.now() + datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    procesleder_client.post(
        f"{PERSON_URL}/edit/{person.pk}/", publish(person_data(person, expire_at=danish(expiry)))
    )
    call_command("publish_scheduled")
    assert shown_everywhere(OLD_PHONE)
    clock(expiry + datetime.timedelta(seconds=1))
    call_command("publish_scheduled")
    assert shown_nowhere(OLD_PHONE) and "Thomas Børager" not in seen("/")


# History: reverting and unpublishing


@pytest.mark.django_db
def test_the_procesleder_reverts_to_an_earlier_version(procesleder_client, person):
    first = person.live_revision
    edit = f"{PERSON_URL}/edit/{person.pk}/"
    procesleder_client.post(edit, publish(person_data(person, phone=NEW_PHONE)))
    assert shown_everywhere(NEW_PHONE)

    history = procesleder_client.get(f"{PERSON_URL}/history/{person.pk}/")
    assert history.status_code == 200
    revert_url = f"{PERSON_URL}/history/{person.pk}/revisions/{first.pk}/revert/"
    assert revert_url in history.content.decode()
    # The earlier version opens in the editor, and publishing it brings it back.
    form = procesleder_client.get(revert_url)
    assert form.status_code == 200 and f'value="{OLD_PHONE}"' in form.content.decode()
    response = procesleder_client.post(revert_url, publish(person_data(person, phone=OLD_PHONE)))
    assert response.status_code == 302
    assert shown_everywhere(OLD_PHONE) and shown_nowhere(NEW_PHONE)
    assert ModelLogEntry.objects.for_instance(person).filter(action="wagtail.revert").exists()


@pytest.mark.django_db
def test_unpublishing_a_person_takes_them_off_the_footer_card_and_contact_page(
    procesleder_client, person
):
    assert shown_everywhere(OLD_PHONE)
    url = f"{PERSON_URL}/unpublish/{person.pk}/"
    assert procesleder_client.get(url).status_code == 200
    assert procesleder_client.post(url).status_code == 302
    visitor = Client()
    assert "Thomas Børager" not in text_of(visitor.get("/"), "footer")
    assert visitor.get("/baggrund/").status_code == 200
    assert soup(visitor.get("/baggrund/")).select("main .contact-card") == []
    assert soup(visitor.get("/kontakt/")).select("main .office .contact-card") == []
    assert not in_json_ld("Thomas Børager")
    # Publishing it again brings it back.
    procesleder_client.post(f"{PERSON_URL}/edit/{person.pk}/", publish(person_data(person)))
    assert shown_everywhere(OLD_PHONE)


@pytest.mark.django_db
def test_unpublishing_the_office_takes_its_address_off_the_site(procesleder_client, person):
    url = f"{OFFICE_URL}/unpublish/{person.office_id}/"
    assert procesleder_client.post(url).status_code == 302
    for place in ("/", "/baggrund/", "/kontakt/"):
        assert "Frederiksgade 9" not in text_of(Client().get(place)), place
    # The person is still published: the card and the footer show them, without the address.
    assert OLD_PHONE in seen("/baggrund/") and OLD_PHONE in seen("/")
