"""What every page type stands on (SitePage, and BasePage for the content pages: introduction
and body) and the site's settings. Page apps and contacts/ import this; it imports none of them."""

import html
import unicodedata

from django.db import models
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from review.forms import ReviewedPageMixin

from .blocks import BodyBlock
from .permissions import PagePermissionsMixin


def single_line(text: str) -> str:
    """Text that ends up where a line break breaks things (a mail's subject, a file name, the
    browser's tab): line breaks, tabs and other control characters become spaces, runs of
    spaces one space, and nothing is left at either end."""
    spaced = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join(spaced.split())


class SitePage(PagePermissionsMixin, ReviewedPageMixin, Page):
    """What every page type of the site has, whatever its fields: only superusers delete it
    (base/permissions.py), its titles are one line, however they were typed or posted, and it
    has an owner and a review date (review/), chosen in the editor's tab Synlighed."""

    class Meta:
        abstract = True

    @property
    def summary(self) -> str:
        """What the page is about, as plain text: its search description, else its introduction
        (the home page's is rich text). Search results, link previews and JSON-LD cut it to
        their own length."""
        text = self.search_description or getattr(self, "introduction", "") or ""
        return " ".join(html.unescape(strip_tags(text)).split())

    def structured_data(self, request) -> dict | None:
        """The page's own schema.org data for its head (findability's seo_head), beside the
        organisation and the breadcrumbs that every page has: None, or e.g. an Event."""
        return None

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

    @property
    def shows_contacts(self) -> bool:
        """Whether the body holds a contact card: the footer then leaves its contacts out."""
        return any(block["type"] == "contact_card" for block in self.body.raw_data)


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
        db_table = "pages_sitesettings"  # made in the pages app, before base/ existed
