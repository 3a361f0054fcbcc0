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


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    """The footer, with the contacts unless the page above it shows them already (a contact
    card, the contact page): nobody reads the same card twice."""
    # A page's own sub-pages (an activity's sign-up form, receipt, cancellation: they name their
    # step in `breadcrumb_title`) show not the page's body, so not its contact card either.
    on_its_body = not context.get("breadcrumb_title")
    if on_its_body and getattr(context.get("page"), "shows_contacts", False):
        return {"contacts_shown": True}
    # Every page shows the footer: keep its contacts in the cache until a contact changes.
    return cached_data("footer", CONTACT_DEPENDENCIES, footer_contacts)
