"""English (or Wagtail's name) where the Procesleder looks, as seen before it was mended: the
list the admin walks fail on (tests/test_admin_danish.py for what the server renders,
tests/browser/test_admin_danish.py for what the admin's scripts draw)."""

import re

# English (or Wagtail's name) where the Procesleder looks, as seen before it was mended. Matched as
# whole words and case-sensitively: "Live" is English (also in "Live version", and shown as "LIVE"
# by the admin's style sheet), "live" inside a class name is not text.
ENGLISH = [
    "Live",
    "Log Ind",
    "Site",
    "Tags",
    "Root",
    "Actions",
    "Promover",
    "None",
    "Wagtail",
    "Download",
    "Sheet1",
    "App",
    "Dashboard",
    "email",
    "Email",
    "Check",
    "domain",
    "Link text",
    "Alt text",
    "Image",
    "SIde",
    "Skitse",
    "Gennemse",
    "Bevæg",
    "forældre",
    "Forældre",
    # Wagtail's "this %(model_name)s" made "denne" of every model name, whatever its gender.
    "denne kontor",
    "denne billede",
    "denne dokument",
]
ENGLISH_WORD = re.compile(rf"\b({'|'.join(map(re.escape, ENGLISH))})\b")


def english_in(texts) -> list[str]:
    """Each English word found, with the text it was found in."""
    return [f"{word!r} in {text[:70]!r}" for text in texts for word in ENGLISH_WORD.findall(text)]
