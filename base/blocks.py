"""The StreamField blocks every page body is built from. Each renders through its own template in
templates/blocks/."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from wagtail import blocks
from wagtail.blocks import StructBlockValidationError
from wagtail.images.blocks import ImageBlock
from wagtail.snippets.blocks import SnippetChooserBlock

from pagecache.cache import depends_on

# Rich text offers emphasis, lists and links only: headings come from the heading block, so each
# page keeps one h1 (its title) and a valid outline, and there are no free colours or fonts.
RICH_TEXT_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


def heading_level(level: int, parent_context) -> int:
    """A block's heading level where it is shown: a body shown inside another page (a phase on
    Baggrund) sits one level deeper there, which its renderer says with heading_offset."""
    offset = (parent_context or {}).get("heading_offset", 0)
    return min(level + offset, 6)


class SectionHeadingMixin:
    """For blocks that open a section of their own with a level-2 heading (offset as above)."""

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["level"] = heading_level(2, parent_context)
        return context


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label="Tekst", max_length=200)
    level = blocks.ChoiceBlock(
        label="Niveau",
        choices=[("2", "Overskrift (niveau 2)"), ("3", "Underoverskrift (niveau 3)")],
        default="2",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        context["level"] = heading_level(int(value["level"]), parent_context)
        return context

    class Meta:
        icon = "title"
        label = "Overskrift"
        template = "blocks/heading_block.html"
        preview_value = {"text": "Sammen kan vi mere", "level": "2"}


class LabelledImageBlock(ImageBlock):
    """Wagtail's ImageBlock, whose image chooser has no label of its own: Wagtail names it from
    the field, "Image", in English and out of reach of any translation. (Deconstructed as an
    ImageBlock, as Wagtail's always is: migrations are unchanged.)"""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.child_blocks["image"].label = "Billedfil"


class FigureBlock(blocks.StructBlock):
    # Wagtail's ImageBlock asks for alt text or an explicit "decorative" choice (alt="").
    image = LabelledImageBlock(label="Billede")
    caption = blocks.CharBlock(label="Billedtekst", required=False, max_length=300)

    ALT_TEXT_MISSING = (
        "Skriv en alternativ tekst, der siger det samme som billedet for dem, der ikke kan se "
        "det, eller marker billedet som dekorativt."
    )

    def clean(self, value):
        # Wagtail's own check has no Danish translation and accepts blank alt text.
        image = value.get("image")
        if image and not image.decorative and not (image.contextual_alt_text or "").strip():
            alt_text_error = ValidationError(self.ALT_TEXT_MISSING)
            raise StructBlockValidationError(
                block_errors={
                    "image": StructBlockValidationError(block_errors={"alt_text": alt_text_error})
                }
            )
        return super().clean(value)

    def bulk_to_python(self, values):
        # All renditions of all images on the page in one query, however many images it has.
        figures = super().bulk_to_python(values)
        images = [figure["image"] for figure in figures if figure["image"]]
        prefetch_related_objects(images, "renditions")
        return figures

    def get_context(self, value, parent_context=None):
        if value["image"]:
            depends_on(f"image:{value['image'].pk}")
        return super().get_context(value, parent_context)

    def get_preview_value(self):
        from wagtail.images import get_image_model

        image = get_image_model().objects.order_by("pk").first()
        if image is None:
            return self.get_default()
        return self.to_python(
            {
                "image": {"image": image.pk, "alt_text": image.title, "decorative": False},
                "caption": image.title,
            }
        )

    class Meta:
        icon = "image"
        label = "Billede"
        template = "blocks/figure_block.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label="Citat")
    attribution = blocks.CharBlock(label="Afsender", required=False, max_length=200)

    class Meta:
        icon = "openquote"
        label = "Citat"
        template = "blocks/quote_block.html"
        preview_value = {
            "text": "Tænk JA før du siger NEJ.",
            "attribution": "Faxe i Fællesskab",
        }


class ContactPersonChooserBlock(SnippetChooserBlock):
    def bulk_to_python(self, values):
        # The card shows the person's office too: fetch both in one query.
        people = self.model_class.objects.select_related("office").in_bulk(values)
        return [people.get(pk) for pk in values]


class ContactCardBlock(SectionHeadingMixin, blocks.StructBlock):
    # The contact model comes from the chooser (named by its label), not from an import: the
    # contacts app builds on this one.

    def get_context(self, value, parent_context=None):
        depends_on(*self.child_blocks["person"].model_class.CACHE_DEPENDENCIES)
        context = super().get_context(value, parent_context)
        # Only what is published: a person who is a draft (or unpublished, or deleted) leaves
        # no card, and an office that is not published leaves no address.
        person = value["person"]
        context["person"] = person if person is not None and person.live else None
        context["office"] = context["person"] and person.public_office
        return context

    heading = blocks.CharBlock(label="Overskrift", default="Kontakt", max_length=200)
    person = ContactPersonChooserBlock("contacts.ContactPerson", label="Kontaktperson")
    show_office_description = blocks.BooleanBlock(
        label="Vis kontorets beskrivelse",
        required=False,
        default=False,
    )

    def get_preview_value(self):
        people = self.child_blocks["person"].model_class.objects.live()
        person = people.select_related("office").first()
        return self.to_python({"heading": "Kontakt", "person": person and person.pk})

    class Meta:
        icon = "user"
        label = "Kontaktkort"
        template = "blocks/contact_card_block.html"


class PhaseTimelineBlock(SectionHeadingMixin, blocks.StructBlock):
    """The process's phases in time order, read from the phase pages (one source)."""

    show_full_text = blocks.BooleanBlock(
        label="Vis hele teksten for hver fase",
        required=False,
        default=False,
        help_text="Ellers vises fasens periode, introduktion og et link til fasen.",
    )

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context)
        # From the registry: the page models import these blocks.
        context["phases"] = apps.get_model("pages", "PhasePage").published()
        return context

    class Meta:
        icon = "date"
        label = "Tidslinje over faserne"
        template = "blocks/phase_timeline_block.html"
        preview_value = {"show_full_text": False}


class VisionBlock(SectionHeadingMixin, blocks.StaticBlock):
    """The vision, as the home page states it (one source)."""

    def get_context(self, value, parent_context=None):
        from wagtail.models import Site

        context = super().get_context(value, parent_context)
        request = (parent_context or {}).get("request")
        site = Site.find_for_request(request) if request else Site.objects.get(is_default_site=True)
        home = site.root_page.specific if site else None  # memoised: one query per request
        if home is not None:
            depends_on(f"page:{home.pk}")
        context["home"] = home
        return context

    class Meta:
        icon = "pick"
        label = "Visionen (fra forsiden)"
        admin_text = "Viser visionen, som den står på forsiden. Ret den på forsiden."
        template = "blocks/vision_block.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label="Tekst",
        icon="pilcrow",
        features=RICH_TEXT_FEATURES,
        template="blocks/paragraph_block.html",
        preview_value="<p>Faxe i Fællesskab betyder at vi har fokus på det potentiale, som "
        "opstår i fællesskaber.</p>",
    )
    image = FigureBlock()
    quote = QuoteBlock()
    contact_card = ContactCardBlock()
    phase_timeline = PhaseTimelineBlock()
    vision = VisionBlock()
