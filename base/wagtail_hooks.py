"""Admin hooks that help editors keep the site accessible."""

import re

from bs4 import BeautifulSoup
from django.contrib import messages
from wagtail import hooks
from wagtail.admin.userbar import ContentCheckerItem
from wagtail.blocks import StreamValue, StructValue
from wagtail.fields import RichTextField
from wagtail.rich_text import RichText

# Link texts that say nothing about where the link leads (WCAG 2.4.4).
VAGUE_LINK_TEXTS = {
    "her",
    "klik",
    "klik her",
    "tryk her",
    "læs",
    "læs mere",
    "læs her",
    "læs videre",
    "mere",
    "se mere",
    "se her",
    "link",
    "linket",
    "denne side",
    "find ud af mere",
}


class FullContentChecker(ContentCheckerItem):
    """Wagtail's content checker with every axe rule, not Wagtail's default subset."""

    axe_run_only = None


@hooks.register("construct_wagtail_userbar")
def use_full_content_checker(request, items, page):
    items[:] = [
        FullContentChecker(item.in_editor) if isinstance(item, ContentCheckerItem) else item
        for item in items
    ]


def rich_text_sources(value):
    """The HTML of every rich text in a field value, however deeply blocks nest it."""
    if isinstance(value, RichText):
        yield value.source
    elif isinstance(value, StreamValue):
        for child in value:
            yield from rich_text_sources(child.value)
    elif isinstance(value, StructValue):
        for child in value.values():
            yield from rich_text_sources(child)
    elif isinstance(value, list):
        for child in value:
            yield from rich_text_sources(child)


def page_rich_texts(page):
    for field in page._meta.get_fields():
        value = getattr(page, field.name, None) if hasattr(field, "attname") else None
        if isinstance(field, RichTextField) and value:
            yield value
        elif isinstance(value, StreamValue):
            yield from rich_text_sources(value)


def vague_link_texts(page) -> list[str]:
    found = []
    for html in page_rich_texts(page):
        for link in BeautifulSoup(html, "html.parser").find_all("a"):
            text = " ".join(link.get_text().split())
            if re.sub(r"[^\w ]", "", text).strip().lower() in VAGUE_LINK_TEXTS:
                found.append(text)
    return found


@hooks.register("after_create_page")
@hooks.register("after_edit_page")
def warn_about_vague_link_texts(request, page):
    texts = vague_link_texts(page)
    if texts:
        quoted = ", ".join(f"'{text}'" for text in dict.fromkeys(texts))
        messages.warning(
            request,
            f"Linkteksten {quoted} siger ikke, hvor linket fører hen. Skærmlæserbrugere hører "
            "ofte links uden den omgivende tekst, så skriv hellere, hvad man finder, fx "
            "'Læs om fasen Det ny Faxe'.",
        )
