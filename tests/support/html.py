"""Read a response as a visitor reads it: the text, in order, with whitespace collapsed."""

import re

from bs4 import BeautifulSoup


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def text_of(response, selector: str = "body") -> str:
    element = soup(response).select_one(selector)
    assert element is not None, f"no {selector} in the page"
    return normalise(element.get_text(""))


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def foreign_scripts(page: BeautifulSoup) -> list:
    """Scripts on a page that are neither JSON-LD data nor the site's own files from /static/
    (the menu's): what a visitor's input could have put there."""
    return [
        script
        for script in page.find_all("script")
        if script.get("type") != "application/ld+json"
        and not script.get("src", "").startswith("/static/")
    ]
