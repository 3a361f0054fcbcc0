"""People and the office, kept once as snippets and shown on Baggrund, the contact page and in
the footer.

Both have a history, as pages do: a change is saved as a draft (a revision) and reaches the site
only when it is published, now or at a scheduled time (publish_scheduled), and an earlier
revision can be published again. The database row always holds the published (live) values,
and visitors see only live rows (`live()`); a new contact or office saved as a draft has a row
that is not live until it is published."""

import re

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, PublishingPanel
from wagtail.models import DraftStateMixin, LockableMixin, PreviewableMixin, RevisionMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from base.models import BasePage
from pagecache.cache import depends_on

# Page cache keys for what shows contacts (the footer, contact cards, the contact page).
CONTACT_DEPENDENCIES = ("model:contacts.contactperson", "model:contacts.office")

phone_validator = RegexValidator(
    r"^\+?[0-9 ]{8,20}$",
    "Skriv telefonnummeret med cifre og evt. mellemrum, fx 21 66 83 03 eller +45 21 66 83 03.",
)


def tel_href(phone: str) -> str:
    """The tel: link for a phone number as people write it: Danish numbers get +45."""
    digits = re.sub(r"[^0-9+]", "", phone)
    if not digits.startswith("+") and len(digits) == 8:
        digits = "+45" + digits
    return f"tel:{digits}"


class LiveQuerySet(models.QuerySet):
    def live(self):
        """What visitors may see: the published rows (as Page.objects.live())."""
        return self.filter(live=True)


class ContactSnippet(
    PreviewableMixin, DraftStateMixin, LockableMixin, RevisionMixin, index.Indexed, models.Model
):
    """Drafts, revisions, scheduled publishing, locking, and a preview in the site's own
    templates (`preview_template`, which extends base.html)."""

    preview_template = ""

    objects = LiveQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_preview_template(self, request, mode_name):
        return self.preview_template


@register_snippet
class Office(ContactSnippet):
    name = models.CharField("navn", max_length=200)
    building = models.CharField("bygning", max_length=100, blank=True, help_text="Fx Rådhuset.")
    street_address = models.CharField("adresse", max_length=200)
    postal_code = models.CharField(
        "postnummer",
        max_length=4,
        validators=[RegexValidator(r"^[0-9]{4}$", "Et dansk postnummer har fire cifre.")],
    )
    city = models.CharField("by", max_length=100)
    description = models.TextField(
        "beskrivelse",
        blank=True,
        help_text="Hvem der sidder her, og hvad kontoret gør. Vises på kontaktsiden og kan "
        "vises på kontaktkort.",
    )

    panels = [
        FieldPanel("name"),
        MultiFieldPanel(
            [
                FieldPanel("building"),
                FieldPanel("street_address"),
                FieldPanel("postal_code"),
                FieldPanel("city"),
            ],
            heading="Adresse",
        ),
        FieldPanel("description"),
        PublishingPanel(),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]
    preview_template = "contacts/previews/office.html"

    class Meta:
        verbose_name = "kontor"
        verbose_name_plural = "kontorer"
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_preview_context(self, request, mode_name):
        # The office as the contact page shows it, with the people who are on the site.
        return {
            **super().get_preview_context(request, mode_name),
            "office": self,
            "people": ContactPerson.objects.live().filter(office_id=self.pk) if self.pk else [],
            "footer_people": list(ContactPerson.objects.live().filter(show_in_footer=True)),
            "footer_offices": with_preview(self, Office.objects.live()),
        }


@register_snippet
class ContactPerson(ContactSnippet):
    # What a page showing a person depends on (the person and their office): the contact card
    # block reads it from here, as it cannot import this module.
    CACHE_DEPENDENCIES = CONTACT_DEPENDENCIES

    name = models.CharField("navn", max_length=200)
    role = models.CharField("rolle", max_length=200, help_text="Fx Procesleder.")
    phone = models.CharField("telefon", max_length=20, blank=True, validators=[phone_validator])
    email = models.EmailField("e-mail", blank=True)
    office = models.ForeignKey(
        Office,
        verbose_name="kontor",
        on_delete=models.PROTECT,
        related_name="people",
    )
    show_in_footer = models.BooleanField(
        "vis i sidefoden",
        default=False,
        help_text="Personen vises med telefon og e-mail nederst på alle sider.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("role"),
        FieldPanel("phone"),
        FieldPanel("email"),
        FieldPanel("office"),
        FieldPanel("show_in_footer"),
        PublishingPanel(),
    ]
    preview_template = "contacts/previews/contact_person.html"
    search_fields = [
        index.SearchField("name"),
        index.SearchField("role"),
        index.AutocompleteField("name"),
    ]

    class Meta:
        verbose_name = "kontaktperson"
        verbose_name_plural = "kontaktpersoner"
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.role})"

    @property
    def phone_href(self) -> str:
        return tel_href(self.phone)

    @property
    def public_office(self) -> Office | None:
        """The office as visitors may see it: none while it is not published."""
        office = self.office
        return office if office is not None and office.live else None

    def get_preview_context(self, request, mode_name):
        # The contact card (base/blocks.py ContactCardBlock), and the footer with this person as
        # they will be beside the live people and offices.
        return {
            **super().get_preview_context(request, mode_name),
            "person": self,
            "office": self.public_office,
            "card": {"heading": "Kontakt", "show_office_description": True},
            "footer_people": with_preview(
                self, ContactPerson.objects.live().filter(show_in_footer=True), self.show_in_footer
            ),
            "footer_offices": list(Office.objects.live()),
        }


def with_preview(obj, live_objects, shown=True) -> list:
    """The live objects with `obj` as its preview shows it, in place of its live version (or
    without it when it would not be shown), in name order as the site lists them."""
    others = [other for other in live_objects if obj.pk is None or other.pk != obj.pk]
    return sorted([*others, obj] if shown else others, key=lambda each: each.name)


class ContactPage(BasePage):
    """Kontakt: every office with its address and people, from the snippets."""

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    shows_contacts = True  # every office and person: the footer leaves its own out

    class Meta:
        verbose_name = "kontaktside"
        verbose_name_plural = "kontaktsider"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(*CONTACT_DEPENDENCIES)
        context["offices"] = Office.objects.live().prefetch_related(
            Prefetch("people", ContactPerson.objects.live(), to_attr="public_people")
        )
        return context
