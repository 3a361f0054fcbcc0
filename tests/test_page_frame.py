"""The frame of every public page, as the server sends it (issue 13): whose site it is, the
mark and the icons, the fonts, the Menu link that works without JavaScript, the print
stylesheet and the page's address for print, and the contacts shown once."""

import json
from pathlib import Path

import pytest
from django.conf import settings
from fontTools.ttLib import TTFont
from PIL import Image

from tests.support.html import soup, text_of
from tests.support.showcase_activities import days_ahead, publish_activity

# What the server renders and the files it ships: the same on either database.
pytestmark = pytest.mark.sqlite_only

STATIC = Path(settings.BASE_DIR) / "static"
DANISH = "æøåÆØÅéüÉÜ«»–—“”„‘’…€§½"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/baggrund/", "/aktiviteter/", "/soeg/", "/findes-ikke/"])
def test_every_page_says_it_is_part_of_faxe_kommune(client, seeded, url):
    page = soup(client.get(url))
    owner = page.select_one(".owner-bar")
    assert " ".join(owner.get_text().split()) == "En del af Faxe Kommune"
    assert owner.a["href"] == "https://www.faxekommune.dk/"
    brand = page.select_one("a.brand")
    assert brand["href"] == "/" and brand.get_text(strip=True) == "Faxe i Fællesskab"
    assert brand.img["src"].endswith(".svg") and brand.img["alt"] == ""


@pytest.mark.django_db
def test_the_menu_link_leads_to_the_menu_with_the_nav_and_a_labelled_search(client, seeded):
    page = soup(client.get("/baggrund/"))
    link = page.select_one("a.menu-button")
    assert link.get_text(strip=True) == "Menu" and link["href"] == "#menu"
    menu = page.select_one("#menu")
    assert menu.select_one("nav[aria-label='Hovedmenu']")
    label = menu.select_one("form[role='search'] label")
    assert label.get_text() == "Søg på sitet" and "visually-hidden" not in label.get("class", [])
    assert menu.select_one(f"input#{label['for']}[name='q']")
    assert page.select_one("script[src*='/js/menu']").has_attr("defer")


@pytest.mark.django_db
def test_the_head_links_a_favicon_set_that_exists(client, seeded):
    head = soup(client.get("/")).head
    links = {
        (" ".join(link["rel"]), link.get("type") or link.get("sizes")): link["href"]
        for link in head.select(
            "link[rel~='icon'], link[rel='apple-touch-icon'], link[rel='manifest']"
        )
    }
    assert set(links) == {
        ("icon", "48x48"),
        ("icon", "image/svg+xml"),
        ("apple-touch-icon", None),
        ("manifest", None),
    }
    assert Image.open(STATIC / "img" / "apple-touch-icon.png").size == (180, 180)
    ico = Image.open(STATIC / "img" / "favicon.ico")
    assert {(16, 16), (32, 32), (48, 48)} <= ico.info["sizes"]
    manifest = json.loads((STATIC / "site.webmanifest").read_text())
    assert manifest["name"] == "Faxe i Fællesskab" and manifest["lang"] == "da"
    for icon in manifest["icons"]:
        width, height = map(int, icon["sizes"].split("x"))
        assert Image.open(STATIC / icon["src"]).size == (width, height)


@pytest.mark.django_db
def test_favicon_ico_at_the_root_leads_to_the_icon(client, seeded):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/img/favicon")
    assert response["Location"].endswith(".ico")


@pytest.mark.parametrize("weight", ["Regular", "SemiBold"])
def test_the_fonts_are_small_subsets_that_write_danish(weight):
    path = STATIC / "fonts" / f"FiFSans-{weight}.woff2"
    assert path.stat().st_size < 16_000
    font = TTFont(path)
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    missing = [char for char in DANISH if ord(char) not in cmap]
    assert not missing, f"{path.name} cannot write {missing}"
    # The licence (SIL OFL 1.1) reserves "Plex" for the unmodified font: a subset has its own name.
    family = font["name"].getDebugName(1)
    assert family.startswith("FiF Sans") and "Plex" not in family
    assert "Open Font License" in (font["name"].getDebugName(13) or "")


def test_the_stylesheet_uses_only_the_weights_it_ships():
    css = (STATIC / "css" / "site.css").read_text()
    assert css.count("@font-face") == 2
    assert "FiFSans-Regular.woff2" in css and "FiFSans-SemiBold.woff2" in css
    weights = {
        part.split(":")[1].strip(" ;}").split()[0]
        for part in css.replace("\n", ";").split(";")
        if part.strip().startswith("font-weight:")
    }
    assert weights <= {"400", "600"}, weights


@pytest.mark.django_db
def test_pages_link_the_print_stylesheet_and_say_their_address_for_print(client, seeded):
    page = soup(client.get("/baggrund/"))
    assert page.select_one("link[rel='stylesheet'][media='print']")["href"].startswith(
        "/static/css/print"
    )
    assert page.select_one(".print-only").get_text() == "Adresse: http://testserver/baggrund/"
    css = (STATIC / "css" / "print.css").read_text()
    for hidden in [".site-menu", ".breadcrumbs", ".site-footer", ".site-search", ".menu-button"]:
        assert hidden in css.split("{")[0], f"{hidden} is printed"


@pytest.mark.django_db
def test_a_page_with_a_contact_card_does_not_repeat_it_in_the_footer(client, seeded):
    baggrund = soup(client.get("/baggrund/"))
    card = baggrund.select_one("main .contact-card")
    office = seeded["process_leader"].office
    assert office.name in card.get_text()  # the card names the office
    footer = baggrund.select_one("footer")
    assert seeded["process_leader"].name not in footer.get_text()
    assert "Tilgængelighedserklæring" in footer.get_text()
    # The contact page shows every contact itself; other pages keep them in the footer.
    assert seeded["process_leader"].name not in text_of(client.get("/kontakt/"), "footer")
    assert seeded["process_leader"].name in text_of(client.get("/faser/"), "footer")


@pytest.mark.django_db
def test_an_activitys_sign_up_form_keeps_the_footer_contacts_its_page_leaves_out(client, seeded):
    person = seeded["process_leader"]
    activity = publish_activity(
        "Temadag med kontakt",
        "temadag-med-kontakt",
        days_ahead(20),
        signup_enabled=True,
        body=[("contact_card", {"heading": "Spørgsmål?", "person": person})],
    )
    # The activity's page shows the card, so its footer leaves the contacts out ...
    assert person.name in text_of(client.get(activity.url), "main .contact-card")
    assert person.name not in text_of(client.get(activity.url), "footer")
    # ... its sign-up form shows no card (not the page's body): the footer has them.
    form = client.get(activity.signup_url())
    assert form.status_code == 200
    assert not soup(form).select("main .contact-card")
    assert person.name in text_of(form, "footer")
