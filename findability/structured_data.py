"""schema.org JSON-LD for the head of every page: the organisation (with its offices and contact
people, from the contact snippets), the breadcrumbs, and what a page says of itself
(SitePage.structured_data, e.g. an activity's Event). One builder, json_ld(), writes them all."""

import json

from django.conf import settings
from django.db.models import Prefetch
from django.utils.safestring import mark_safe

from base.models import organisation_id
from contacts.models import CONTACT_DEPENDENCIES, ContactPerson, Office, tel_href
from pagecache.cache import cached_data

PARENT_ORGANISATION = {
    "@type": "GovernmentOrganization",
    "name": "Faxe Kommune",
    "url": "https://www.faxekommune.dk/",
}
# JSON inside <script> must not close the element or open a comment: escape <, > and & the way
# Django's json_script does. The result is still JSON that parses to the same data.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data: dict) -> str:
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES))


def office_address(office) -> dict:
    return {
        "@type": "PostalAddress",
        "streetAddress": ", ".join(filter(None, [office.building, office.street_address])),
        "postalCode": office.postal_code,
        "addressLocality": office.city,
        "addressCountry": "DK",
    }


def contact_point(person) -> dict:
    point = {"@type": "ContactPoint", "name": person.name, "contactType": person.role}
    if person.phone:
        point["telephone"] = tel_href(person.phone).removeprefix("tel:")
    if person.email:
        point["email"] = person.email
    point["availableLanguage"] = "da"
    return point


def organisation_contacts() -> dict:
    """The offices' addresses and their people as contact points, from the contact snippets:
    kept in the cache until a contact changes."""

    def compute():
        # The published offices and people only, as the pages show them.
        offices = list(
            Office.objects.live().prefetch_related(
                Prefetch("people", ContactPerson.objects.live(), to_attr="public_people")
            )
        )
        return {
            "address": [office_address(office) for office in offices],
            "contactPoint": [
                contact_point(person) for office in offices for person in office.public_people
            ],
        }

    return cached_data("seo:organisation", CONTACT_DEPENDENCIES, compute)


def organisation(home_url: str) -> dict:
    contacts = organisation_contacts()
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "@id": organisation_id(home_url),
        "name": settings.WAGTAIL_SITE_NAME,
        "url": home_url,
        "parentOrganization": PARENT_ORGANISATION,
    }
    for key, values in contacts.items():
        if values:
            data[key] = values[0] if len(values) == 1 else values
    return data


def breadcrumb_list(crumbs: list[dict], request) -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": crumb["name"],
                "item": request.build_absolute_uri(crumb["path"]),
            }
            for position, crumb in enumerate(crumbs, start=1)
        ],
    }
