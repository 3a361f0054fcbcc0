"""The content page types: Baggrund and other content pages, the phases and their index."""

from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.models import PageManager
from wagtail.query import PageQuerySet

from base.models import BasePage, PicturedPage, picture_panel
from base.privacy import public_q
from pagecache.cache import cached_data


class ContentPage(PicturedPage, BasePage):
    """An ordinary page of text, images and contacts, such as Baggrund."""

    subtitle = models.CharField(
        "undertitel",
        max_length=200,
        blank=True,
        help_text="Vises under sidens titel, fx 'Hvad satte det i gang?'.",
    )

    content_panels = (
        BasePage.content_panels[:1]
        + [FieldPanel("subtitle"), picture_panel()]
        + BasePage.content_panels[1:]
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


class PhasePage(PicturedPage, BasePage):
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
        picture_panel(),
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
