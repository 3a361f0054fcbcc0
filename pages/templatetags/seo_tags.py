"""What search engines and link previews read in every page's <head>: the description, the
canonical address, OpenGraph tags and schema.org JSON-LD (the organisation on every page, the
breadcrumbs on pages below the home page).

Addresses are absolute, built from the request's scheme and host, as the sitemap builds them
(the Site record says "localhost" until an administrator changes it). What comes from the
database is kept with `cached_data`, so the head costs no query once the contacts and a page's
ancestors are in the cache."""

import html
import json

from django import template
from django.conf import settings
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from wagtail.models import Page

from contacts.models import CONTACT_DEPENDENCIES, Office, tel_href
from faxeif.cache import cached_data

from .navigation_tags import ancestor_crumbs, site_root

register = template.Library()

DESCRIPTION_LENGTH = 160
PARENT_ORGANISATION = {
    "@type": "GovernmentOrganization",
    "name": "Faxe Kommune",
    "url": "https://www.faxekommune.dk/",
}
# JSON inside <script> must not close the element or open a comment: escape <, > and & the way
# Django's json_script does. The result is still JSON that parses to the same data.
JSON_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def page_description(page) -> str:
    """The page's search description, else its introduction, as plain text of at most 160
    characters (the home page's introduction is rich text)."""
    text = page.search_description or getattr(page, "introduction", "") or ""
    plain = " ".join(html.unescape(strip_tags(text)).split())
    return Truncator(plain).chars(DESCRIPTION_LENGTH)


@register.simple_tag
def meta_description(page) -> str:
    return page_description(page) if isinstance(page, Page) else ""


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
        offices = list(Office.objects.prefetch_related("people"))
        return {
            "address": [office_address(office) for office in offices],
            "contactPoint": [
                contact_point(person) for office in offices for person in office.people.all()
            ],
        }

    return cached_data("seo:organisation", CONTACT_DEPENDENCIES, compute)


def organisation(home_url: str) -> dict:
    contacts = organisation_contacts()
    data = {
        "@context": "https://schema.org",
        "@type": "GovernmentOrganization",
        "@id": f"{home_url}#organisation",
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


@register.inclusion_tag("includes/seo_head.html", takes_context=True)
def seo_head(context):
    request = context.get("request")
    if request is None:
        return {}
    root = site_root(request)
    home_url = request.build_absolute_uri("/")  # a site's root page is its "/"
    head = {
        "site_name": settings.WAGTAIL_SITE_NAME,
        "json_ld": [json_ld(organisation(home_url))],
    }

    page = context.get("page")
    parts = page.get_url_parts(request) if isinstance(page, Page) and page.pk else None
    if not parts:  # not a page (search, errors), or a page without an address
        return head
    url = request.build_absolute_uri(parts[2])
    is_home = root is not None and page.pk == root.pk
    head["canonical"] = url
    head["og"] = {
        "title": page.seo_title or (settings.WAGTAIL_SITE_NAME if is_home else page.title),
        "description": page_description(page),
        "url": url,
        "type": "website" if is_home else "article",
    }
    if root is not None and not is_home and page.path.startswith(root.path):
        crumbs = [*ancestor_crumbs(page, root, request), {"name": page.title, "path": parts[2]}]
        head["json_ld"].append(json_ld(breadcrumb_list(crumbs, request)))
    return head
