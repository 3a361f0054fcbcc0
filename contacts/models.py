"""People and the office, kept once as snippets and shown on Baggrund, the contact page and in
the footer."""

import re

from django.core.validators import RegexValidator
from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
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


@register_snippet
class Office(index.Indexed, models.Model):
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
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "kontor"
        verbose_name_plural = "kontorer"
        ordering = ["name"]

    def __str__(self):
        return self.name


@register_snippet
class ContactPerson(index.Indexed, models.Model):
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
    ]
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


class ContactPage(BasePage):
    """Kontakt: every office with its address and people, from the snippets."""

    parent_page_types = ["home.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = "kontaktside"
        verbose_name_plural = "kontaktsider"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(*CONTACT_DEPENDENCIES)
        context["offices"] = Office.objects.prefetch_related("people")
        return context
