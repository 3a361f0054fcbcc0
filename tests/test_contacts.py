"""The contact snippets: kept once, shown on Baggrund, the contact page and in every footer."""

import pytest

from contacts.models import tel_href
from tests.support.html import soup, text_of

PLACES = {
    "Baggrund": ("/baggrund/", "main .contact-card"),
    "the contact page": ("/kontakt/", "main .office"),
    "the footer": ("/", "footer"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("place", PLACES)
def test_process_leader_is_shown_with_links(client, seeded, place):
    url, selector = PLACES[place]
    section = soup(client.get(url)).select_one(selector)
    text = " ".join(section.get_text(" ").split())
    assert "Thomas Børager" in text
    assert "Procesleder" in text
    assert "Frederiksgade 9, 1. sal" in text and "4690 Haslev" in text
    assert section.find("a", href="tel:+4521668303").get_text() == "21 66 83 03"
    assert (
        section.find("a", href="mailto:tbrag@faxekommune.dk").get_text() == "tbrag@faxekommune.dk"
    )


@pytest.mark.django_db
def test_one_edit_of_the_snippet_shows_in_all_three_places(client, seeded):
    person = seeded["process_leader"]
    person.phone = "+45 56 20 30 00"
    person.email = "procesleder@faxekommune.dk"
    person.save()
    for url, selector in PLACES.values():
        section = soup(client.get(url)).select_one(selector)
        assert section.find("a", href="tel:+4556203000") is not None, url
        assert section.find("a", href="mailto:procesleder@faxekommune.dk") is not None, url
        assert "21 66 83 03" not in section.get_text()


@pytest.mark.django_db
def test_contact_page_describes_the_office(client, seeded):
    text = text_of(client.get("/kontakt/"), "main")
    assert "Kontoret for kulturudvikling, innovation og samskabelse" in text
    assert "drives af Direktionen og ChefForum" in text


@pytest.mark.django_db
def test_footer_shows_only_people_marked_for_it(client, seeded):
    person = seeded["process_leader"]
    person.show_in_footer = False
    person.save()
    footer = text_of(client.get("/"), "footer")
    assert "Thomas Børager" not in footer
    assert "Frederiksgade 9, 1. sal" in footer


@pytest.mark.parametrize(
    "phone,href",
    [
        ("21 66 83 03", "tel:+4521668303"),
        ("+45 21 66 83 03", "tel:+4521668303"),
        ("+46 8 123 456 78", "tel:+46812345678"),
    ],
)
def test_phone_numbers_become_tel_links(phone, href):
    assert tel_href(phone) == href


@pytest.mark.django_db
def test_invalid_contact_input_is_refused_in_danish_and_kept(procesleder_client, seeded):
    person = seeded["process_leader"]
    response = procesleder_client.post(
        f"/admin/snippets/contacts/contactperson/edit/{person.pk}/",
        {
            "name": "Thomas Børager",
            "role": "Procesleder",
            "phone": "ring til mig",
            "email": "ikke-en-adresse",
            "office": person.office_id,
            "show_in_footer": "on",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Skriv telefonnummeret med cifre" in html
    assert "Indtast en gyldig e-mail-adresse." in html
    assert 'value="ring til mig"' in html  # what was typed is kept
    person.refresh_from_db()
    assert person.phone == "21 66 83 03"
