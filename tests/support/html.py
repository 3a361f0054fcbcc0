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
