"""Forside: the vision, an introduction and the ways into the site's sections."""

from django.db import models
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index

from activities.models import upcoming_activities
from base.blocks import RICH_TEXT_FEATURES
from base.models import PicturedPage, SitePage, picture_panel
from base.privacy import public_q
from pagecache.cache import cached_data, depends_on
from stories.models import newest_stories


class HomePage(PicturedPage, SitePage):
    vision_heading = models.CharField(
        "visionens overskrift", max_length=200, default="Faxe er et tilvalg"
    )
    vision_text = RichTextField(
        "visionen",
        features=RICH_TEXT_FEATURES,
        blank=True,
        help_text="Vises fremhævet på forsiden og hvor en side bruger blokken 'Visionen'.",
    )
    introduction = RichTextField("introduktion", features=RICH_TEXT_FEATURES, blank=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [FieldPanel("vision_heading"), FieldPanel("vision_text")], heading="Vision"
        ),
        picture_panel(),
        FieldPanel("introduction"),
    ]
    search_fields = Page.search_fields + [
        index.SearchField("vision_heading"),
        index.SearchField("vision_text"),
        index.SearchField("introduction"),
    ]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "pages.ContentPage",
        "pages.PhaseIndexPage",
        "activities.ActivityIndexPage",
        "stories.StoryIndexPage",
        "contacts.ContactPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = "forside"
        verbose_name_plural = "forsider"

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(f"children:{self.path}")
        context["sections"] = self.section_cards()
        context["upcoming_activities"] = upcoming_activities(limit=3)
        context["newest_stories"] = newest_stories(limit=3)
        return context

    def section_cards(self) -> list[dict]:
        """The sections: the pages in the main navigation, each with its teaser (its meta
        description, else its introduction). Kept with the menu and renewed with it: publishing,
        moving or hiding a section renews `menu`, a privacy change the whole site. Fetching the
        sections' specific pages was the most expensive part of rendering the home page."""

        def compute():
            sections = self.get_children().live().filter(public_q()).in_menu().specific()
            return [
                {
                    "title": section.title,
                    "url": section.url,
                    "teaser": section.search_description or getattr(section, "introduction", ""),
                }
                for section in sections
            ]

        return cached_data(f"home-sections:{self.pk}", ("menu",), compute)
