from django import template

from contacts.models import CONTACT_DEPENDENCIES, ContactPerson, Office
from pagecache.cache import cached_data

register = template.Library()


def footer_contacts() -> dict:
    # The published people and offices only: a draft stays in the admin until it is published.
    return {
        "people": list(ContactPerson.objects.live().filter(show_in_footer=True)),
        "offices": list(Office.objects.live()),
    }


@register.inclusion_tag("includes/footer.html")
def site_footer():
    # Every page shows the footer: keep its contacts in the cache until a contact changes.
    return cached_data("footer", CONTACT_DEPENDENCIES, footer_contacts)
