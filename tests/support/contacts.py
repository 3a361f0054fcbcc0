"""The contact snippets' forms as the admin posts them, and what visitors see of the contacts."""

import datetime
import json
from zoneinfo import ZoneInfo

from django.test import Client

from tests.support.html import soup, text_of

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
OLD_PHONE, NEW_PHONE = "21 66 83 03", "56 20 30 00"
PERSON_URL = "/admin/snippets/contacts/contactperson"
OFFICE_URL = "/admin/snippets/contacts/office"
# Where visitors see the process leader: every footer, the card on Baggrund, the contact page.
PLACES = {"/": "footer", "/baggrund/": "main .contact-card", "/kontakt/": "main .office"}


def person_data(person, **changes) -> dict:
    """The contact person form as the admin shows it for this person, with changes."""
    data = {
        "name": person.name,
        "role": person.role,
        "phone": person.phone,
        "email": person.email,
        "office": person.office_id,
        "go_live_at": "",
        "expire_at": "",
        **changes,
    }
    if person.show_in_footer and "show_in_footer" not in changes:
        data["show_in_footer"] = "on"  # an unticked box posts nothing
    return data


def office_data(office, **changes) -> dict:
    data = {
        field: getattr(office, field)
        for field in ("name", "building", "street_address", "postal_code", "city", "description")
    }
    return {**data, **changes}


def publish(data: dict) -> dict:
    return {**data, "action-publish": "action-publish"}


def seen(url: str) -> str:
    """What an anonymous visitor sees of the contacts at this address (through the cache):
    nothing when the page shows no contact there (a card of nobody published is left out)."""
    response = Client().get(url)
    assert response.status_code == 200
    return text_of(response, PLACES[url]) if soup(response).select_one(PLACES[url]) else ""


def shown_everywhere(phone: str) -> bool:
    return all(phone in seen(url) for url in PLACES)


def shown_nowhere(text: str) -> bool:
    return all(text not in seen(url) for url in PLACES)


def in_json_ld(text: str) -> bool:
    scripts = soup(Client().get("/")).select('script[type="application/ld+json"]')
    return any(
        text in json.dumps(json.loads(script.string), ensure_ascii=False) for script in scripts
    )


def danish(moment: datetime.datetime) -> str:
    return moment.astimezone(DANISH_TIME).strftime("%d.%m.%Y %H:%M")
