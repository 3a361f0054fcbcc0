"""What every page type stands on (SitePage, and BasePage for the content pages: introduction
and body), the picture some page types show at their top (PicturedPage) and the site's settings.
Page apps and contacts/ import this; it imports none of them."""

import html
import unicodedata
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.html import strip_tags
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.images.models import AbstractImage
from wagtail.models import Page
from wagtail.search import index

from pagecache.cache import cached_data, depends_on
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

    @property
    def page_picture(self) -> "PagePicture | None":
        """The picture the page shows at its top and in link previews: see PicturedPage."""
        return None

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


def organisation_id(home_url: str) -> str:
    """The JSON-LD @id of the organisation behind the site (findability's organisation(), in
    every page's head): what a page's own data names as its publisher."""
    return f"{home_url}#organisation"


# Link previews and search engines: 1200×630, the size Facebook, LinkedIn and X show large, cut
# around the focal point the editor set on the image under Billeder; JPEG, which they all read.
SHARING_FILTER = "fill-1200x630-c80|format-jpeg"

PICTURE_ALT_MISSING = (
    "Skriv en alternativ tekst til billedet, der siger det samme som billedet for dem, der ikke "
    "kan se det, eller marker billedet som dekorativt. (Har billedet en beskrivelse under "
    "Billeder, bruges den, når feltet er tomt.)"
)


class PagePicture(NamedTuple):
    """A page's picture as visitors get it: the image, and its alt text ("" when decorative)."""

    image: AbstractImage
    alt: str

    def for_sharing(self, request) -> dict:
        """The picture for link previews and JSON-LD: the SHARING_FILTER rendition's absolute
        address and its size (smaller than 1200×630 when the upload is: Wagtail never enlarges)."""
        rendition = self.image.get_rendition(SHARING_FILTER)
        return {
            "url": request.build_absolute_uri(rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }


def picture_panel():
    """The editor's "Billede": the image, its alt text and the choice of none."""
    return MultiFieldPanel(
        [FieldPanel("picture"), FieldPanel("picture_alt"), FieldPanel("picture_decorative")],
        heading="Billede",
    )


class PicturedPage(models.Model):
    """A page with a picture at its top, also shown when the page is shared (the home page,
    content pages, phases, activities, stories). The editor chooses an image, whose focal point
    (set under Billeder) the crops keep, and says what it shows or that it is decorative."""

    picture = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name="billede",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Vises øverst på siden og når siden deles på sociale medier. Billedet "
        "beskæres omkring det fokuspunkt, der er sat på billedet under Billeder.",
    )
    picture_alt = models.CharField(
        "alternativ tekst til billedet",
        max_length=250,
        blank=True,
        help_text="Hvad billedet viser, for dem der ikke kan se det. Tomt: billedets beskrivelse "
        "fra Billeder.",
    )
    picture_decorative = models.BooleanField(
        "dekorativt billede (ingen alternativ tekst)",
        default=False,
        help_text="Kun når billedet intet siger, som siden ikke siger i forvejen: skærmlæsere "
        "springer det så over.",
    )

    class Meta:
        abstract = True

    @property
    def page_picture(self) -> PagePicture | None:
        image = self._picture_image()
        if image is None:
            return None
        alt = "" if self.picture_decorative else self.picture_alt
        return PagePicture(image, alt)

    def _picture_image(self) -> AbstractImage | None:
        """The image, as cheaply as it comes: selected with the page (a story through its
        index), else kept in the cache until the image changes, so that a picture costs a page
        no query (its renditions come from Wagtail's rendition cache)."""
        image_id = self.picture_id
        if not image_id:
            return None
        key = f"image:{image_id}"
        # Shown on the page and in its head: the page is renewed when the image changes (its
        # focal point, its file).
        depends_on(key)
        field = self._meta.get_field("picture")
        if field.is_cached(self):
            return self.picture
        image = cached_data(
            key, (key,), field.related_model._default_manager.filter(pk=image_id).first
        )
        if image is not None:  # None: deleted since the page was read (and its field emptied)
            self.picture = image  # once per page, however often it is shown
        return image

    def clean(self):
        super().clean()
        if not self.picture_id:
            return
        alt = self.picture_alt.strip()
        if self.picture_decorative:
            alt = ""  # as the choice says: the text would never be shown
        elif not alt:
            # The image's own description (Billeder) says what it shows: the default, which
            # the editor sees in the field and may change.
            alt = self.picture.description.strip()
            if not alt:
                raise ValidationError({"picture_alt": PICTURE_ALT_MISSING})
        self.picture_alt = alt


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
