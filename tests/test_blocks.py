"""Every block renders through its own template on every page type that has a body."""

import pytest

from tests.support.html import soup
from tests.support.images import make_image
from tests.support.showcase import build_showcase


@pytest.fixture
def showcase(seeded, image):
    return build_showcase(image)


@pytest.mark.django_db
def test_every_block_renders_on_every_page_type(client, showcase):
    # One showcase for all the types: building it takes most of the time.
    for page_type in ["content", "phase", "phase_index", "contact"]:
        response = client.get(showcase[page_type].url)
        assert response.status_code == 200, page_type
        assert_every_block_in(soup(response).select_one(".page-body"))


def assert_every_block_in(body):
    assert body.find("h2", string="Alle blokke")
    assert body.find("h3", string="En underoverskrift")
    assert body.select_one(".block-text b").get_text() == "fed"
    assert body.select_one(".block-text a[href='https://faxe.dk/']")
    figures = body.select("figure.block-figure")
    assert figures[0].img["alt"] == "Deltagere på en temadag"
    assert figures[0].figcaption.get_text() == "En temadag"
    assert figures[1].img["alt"] == ""  # marked decorative
    assert body.select_one(".block-quote blockquote").get_text(strip=True).startswith("Tænk JA")
    assert body.select_one(".contact-card a[href='tel:+4521668303']")
    assert body.select_one(".timeline a[href='/faser/lidt-forhistorie/']")
    assert body.select_one(".vision").get_text(" ", strip=True).startswith("Faxe er et tilvalg")


@pytest.mark.django_db
def test_images_are_responsive_sized_and_lazy(client, showcase):
    img = soup(client.get(showcase["content"].url)).select_one("figure.block-figure img")
    assert img["loading"] == "lazy"
    assert img["width"] and img["height"]
    assert len(img["srcset"].split(",")) == 3
    sources = soup(client.get(showcase["content"].url)).select("figure.block-figure source")
    assert {s["type"] for s in sources} >= {"image/webp"}


@pytest.mark.django_db
def test_a_phase_body_sits_one_heading_level_deeper_on_baggrund(client, seeded, image):
    phase = seeded["phases"][0]
    phase.body = [("heading", {"text": "Analysen", "level": "2"})]
    phase.save_revision().publish()
    assert soup(client.get(phase.url)).select_one(".page-body h2").get_text() == "Analysen"
    baggrund = soup(client.get("/baggrund/"))
    assert baggrund.find("h3", string="Analysen") is not None
    assert baggrund.find("h2", string="Analysen") is None


@pytest.mark.django_db
def test_every_block_has_a_danish_label_template_and_preview(showcase):
    from base.blocks import BodyBlock

    for name, block in BodyBlock.base_blocks.items():
        assert block.meta.template.startswith("blocks/"), name
        assert block.label and block.label[0].isupper(), name
        assert block.get_preview_value() is not None or name == "vision", name


def test_rich_text_offers_no_headings_colours_or_fonts():
    # Headings come from the heading block (h2/h3 under the page's only h1), so rich text
    # cannot break a page's outline; there is no feature for colours or fonts at all.
    from base.blocks import BodyBlock
    from home.models import HomePage

    paragraph = BodyBlock.base_blocks["paragraph"]
    assert set(paragraph.features) == {"bold", "italic", "ol", "ul", "link", "document-link"}
    for field in ("vision_text", "introduction"):
        assert set(HomePage._meta.get_field(field).features) == set(paragraph.features)
    heading_levels = dict(BodyBlock.base_blocks["heading"].child_blocks["level"].field.choices)
    assert set(heading_levels) == {"2", "3"}


@pytest.mark.django_db
def test_a_small_image_lists_each_width_once(client, seeded):
    """Wagtail does not enlarge: a 640 px upload answers width-800 and width-1200 with 640 px
    renditions, which must not be listed twice ("… 640w, … 640w" is invalid HTML)."""
    showcase = build_showcase(make_image(size=(640, 360)))
    page = soup(client.get(showcase["content"].url))
    figure = page.select_one("figure.block-figure")
    srcsets = [figure.img["srcset"]] + [source["srcset"] for source in figure.select("source")]
    for srcset in srcsets:
        widths = [candidate.split()[-1] for candidate in srcset.split(",")]
        assert widths == ["480w", "640w"], srcset
    assert figure.img["width"] == "480"
