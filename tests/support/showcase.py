"""One page of every page type, each holding every block: the fixture that the rendering tests
(and the browser tests) walk, so a new page type or block is covered from the day it exists.
Test data only, never seed content."""

import datetime

from base.blocks import BodyBlock
from contacts.models import ContactPage, ContactPerson
from home.models import HomePage
from pages.models import ContentPage, PhaseIndexPage, PhasePage


def every_block(image, person) -> list:
    body = [
        ("heading", {"text": "Alle blokke", "level": "2"}),
        ("heading", {"text": "En underoverskrift", "level": "3"}),
        (
            "paragraph",
            '<p>Tekst med <b>fed</b>, <i>kursiv</i> og <a href="https://faxe.dk/">et link til '
            "Faxe Kommune</a>.</p><ul><li>Et punkt</li></ul><ol><li>Et trin</li></ol>",
        ),
        (
            "image",
            {
                "image": {"image": image.pk, "alt_text": "Deltagere på en temadag"},
                "caption": "En temadag",
            },
        ),
        (
            "image",
            {"image": {"image": image.pk, "alt_text": "", "decorative": True}, "caption": ""},
        ),
        ("quote", {"text": "Tænk JA før du siger NEJ.", "attribution": "Faxe i Fællesskab"}),
        ("contact_card", {"heading": "Kontakt", "person": person.pk}),
        ("phase_timeline", {"show_full_text": False}),
        ("vision", None),
    ]
    covered = {block_type for block_type, _ in body}
    assert covered == set(BodyBlock.base_blocks), "the showcase must hold every block"
    return BodyBlock().to_python([{"type": t, "value": v} for t, v in body])


def build_showcase(image) -> dict:
    """Give the seeded site one page of every type holding every block; returns them by type."""
    home = HomePage.objects.get()
    body = every_block(image, ContactPerson.objects.first())
    faser = PhaseIndexPage.objects.get()
    pages = {
        # Pictures on the showcase's own pages (the seeded home page and Baggrund have none).
        "content": home.add_child(
            instance=ContentPage(
                title="Eksempelside",
                slug="eksempelside",
                subtitle="Alle blokke",
                # Its meta description, which search engines and Lighthouse look for.
                introduction="En side med alle blokke, til browsertestene.",
                picture=image,
                picture_alt="Ledere i rundkreds på en temadag",
            )
        ),
        "phase": faser.add_child(
            instance=PhasePage(
                title="Eksempelfase",
                slug="eksempelfase",
                start_date=datetime.date(2030, 1, 1),
                introduction="En fase med alle blokke.",
                picture=image,
                picture_decorative=True,
            )
        ),
        # One per site: the seeded ones take the blocks.
        "phase_index": faser,
        "contact": ContactPage.objects.get(),
    }
    for page in pages.values():
        page.body = body
        page.save_revision().publish()
    pages["home"] = home
    return pages


def add_page(title, text, parent=None, publish=True, slug=None, **fields) -> ContentPage:
    """A content page saying `text`; published, or a draft that has never been published."""
    parent = parent or HomePage.objects.get()
    page = parent.add_child(
        instance=ContentPage(
            title=title,
            slug=slug or title.lower().replace(" ", "-"),
            live=publish,
            introduction=text,
            body=[("paragraph", f"<p>{text}</p>")],
            **fields,
        )
    )
    if publish:
        page.save_revision().publish()
    return page
