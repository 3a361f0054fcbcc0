"""The base every page shares (SitePage, BasePage, who may see what), the content page types
(Baggrund and other content pages, the phases and their index) and the site's settings."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageViewRestriction
from wagtail.query import PageQuerySet
from wagtail.search import index

from faxeif.cache import cached_data

from .blocks import BodyBlock
from .permissions import PagePermissionsMixin


def restricted_paths() -> list[str]:
    """The tree paths of the private sections (pages with a view restriction): few or none, kept
    in the cache until a restriction changes (that renews the whole site's cache key)."""
    return cached_data(
        "restricted_paths",
        (),
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True).distinct()),
    )


def public_q() -> models.Q:
    """Pages outside any private section, as a plain condition on the page's own path: it uses
    no subquery, so the database can use its indexes for the rest of the query (a correlated
    subquery here made the search scan every page once per match). Wagtail's
    PageQuerySet.public() costs a query of its own each time it is used."""
    condition = models.Q()
    for section in restricted_paths():
        condition &= ~models.Q(path__startswith=section)
    return condition


def single_line(text: str) -> str:
    """Text that ends up where a line break breaks things (a mail's subject, a file name, the
    browser's tab): line breaks, tabs and other control characters become spaces, runs of
    spaces one space, and nothing is left at either end."""
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(spaced.split())


class SitePage(PagePermissionsMixin, Page):
    """What every page type of the site has, whatever its fields: only superusers delete it
    (pages/permissions.py), and its titles are one line, however they were typed or posted."""

    class Meta:
        abstract = True

    def full_clean(self, *args, **kwargs):
        # Before Wagtail's and Django's own checks, so a title of nothing but line breaks is
        # refused as an empty one. Wagtail cleans a page on every save and revision.
        self.title = single_line(self.title or "")
        self.seo_title = single_line(self.seo_title or "")
        super().full_clean(*args, **kwargs)


class BasePage(SitePage):
    """What every content page has: an introduction shown as the lead, and a StreamField body."""

    introduction = models.TextField(
        "introduktion",
        blank=True,
        help_text="Et kort afsnit, der vises øverst på siden og i oversigter.",
    )
    body = StreamField(BodyBlock(), verbose_name="indhold", blank=True)

    content_panels = Page.content_panels + [FieldPanel("introduction"), FieldPanel("body")]
    search_fields = Page.search_fields + [
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]
    show_in_menus_default = True

    class Meta:
        abstract = True


class ContentPage(BasePage):
    """An ordinary page of text, images and contacts, such as Baggrund."""

    subtitle = models.CharField(
        "undertitel",
        max_length=200,
        blank=True,
        help_text="Vises under sidens titel, fx 'Hvad satte det i gang?'.",
    )

    content_panels = (
        BasePage.content_panels[:1] + [FieldPanel("subtitle")] + BasePage.content_panels[1:]
    )
    parent_page_types = ["home.HomePage", "pages.ContentPage"]
    subpage_types = ["pages.ContentPage"]

    class Meta:
        verbose_name = "indholdsside"
        verbose_name_plural = "indholdssider"


# Page cache key for what shows the phases (the timeline): renewed when any phase changes.
PHASE_DEPENDENCY = "model:pages.phasepage"


class PhaseIndexPage(BasePage):
    """Faser: the process's phases as a timeline, oldest first."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["pages.PhasePage"]
    max_count = 1

    class Meta:
        verbose_name = "faseoversigt"
        verbose_name_plural = "faseoversigter"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["phases"] = PhasePage.published()
        return context


class PhasePageQuerySet(PageQuerySet):
    def in_time_order(self):
        return self.order_by("start_date", "path")


class PhasePage(BasePage):
    """One phase of the culture process, with its period."""

    start_date = models.DateField(
        "startdato",
        help_text="Bestemmer fasens plads på tidslinjen (dag og måned kan være omtrent).",
    )
    end_date = models.DateField(
        "slutdato", null=True, blank=True, help_text="Tom for en fase, der pågår."
    )
    period_label = models.CharField(
        "periode som tekst",
        max_length=100,
        blank=True,
        help_text="Vises i stedet for datoerne, fx 'Fra efteråret 2017'. Tom: datoerne vises.",
    )

    content_panels = BasePage.content_panels[:1] + [
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
                FieldPanel("period_label"),
            ],
            heading="Periode",
        ),
        *BasePage.content_panels[1:],
    ]
    parent_page_types = ["pages.PhaseIndexPage"]
    subpage_types: list[str] = []
    show_in_menus_default = False

    objects = PageManager.from_queryset(PhasePageQuerySet)()

    class Meta:
        verbose_name = "fase"
        verbose_name_plural = "faser"

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "Slutdatoen skal ligge efter startdatoen."})

    @property
    def period(self) -> str:
        """The period as visitors read it: the editor's wording, else the years."""
        if self.period_label:
            return self.period_label
        if self.end_date is None:
            return f"Fra {self.start_date.year}"
        if self.end_date.year == self.start_date.year:
            return str(self.start_date.year)
        return f"{self.start_date.year}–{self.end_date.year}"

    @classmethod
    def published(cls) -> list["PhasePage"]:
        """The public phases in time order. Several pages show them (Faser, Baggrund's timeline),
        so they are kept in the cache until a phase changes."""

        def fetch():
            return list(cls.objects.live().filter(public_q()).in_time_order())

        return cached_data("phases", (PHASE_DEPENDENCY,), fetch)


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    accessibility_statement_url = models.URLField(
        "tilgængelighedserklæring",
        default="https://was.digst.dk/faxeifaellesskab-dk",
        help_text="Adressen på erklæringen i Digitaliseringsstyrelsens WAS-værktøj. "
        "Linket 'Tilgængelighedserklæring' i sidefoden (/was) fører hertil.",
    )

    panels = [FieldPanel("accessibility_statement_url")]

    class Meta:
        verbose_name = "webstedsindstillinger"
