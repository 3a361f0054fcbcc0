"""The procesleder's daily tasks in Chromium, logged in as a Procesleder (never a superuser), each
ending with what a new visitor sees on the public site: adding an image and writing a story with
it; creating an activity with sign-up, which visitors sign up for (one seat, then the waiting
list), and removing a sign-up, after which the one waiting has the seat and the e-mail saying so;
bringing back a page's earlier version from its history; and adding a redirect from an old
address to a page chosen in the page chooser. The admin's Content-Security-Policy blocks nothing
on the way.

Covered elsewhere in Chromium: editing, drafts, the preview, publishing and the Papirkurv
(test_editor_path.py), scheduling (test_scheduled_publishing.py), contacts
(test_contact_scheduling.py), review dates (test_review_dates.py), the sign-up downloads and
cancelling from the e-mail (test_signup_handling.py). Each test here makes its own pages and
sign-ups, or puts back what it changed, so the other browser tests find the site as seeded."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from tests.browser.site import log_in_as_procesleder
from tests.support.browser import watch_for_policy_violations
from tests.support.mail import mail_to

pytestmark = pytest.mark.sqlite_only

DANISH_TIME = ZoneInfo("Europe/Copenhagen")


@pytest.fixture
def editor(chromium, served_site):
    """The procesleder's tab, logged in, with the policy violations of every page it opens
    (editor.violations)."""
    context = chromium.new_context(
        base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
    )
    violations = watch_for_policy_violations(context)
    page = context.new_page()
    log_in_as_procesleder(page)
    page.violations = violations
    yield page
    context.close()


@pytest.fixture
def visitors(chromium, served_site):
    """New visitors, each in a browser context of their own (no login, no cookies);
    visitors.violations() lists the policy violations on all their pages."""
    contexts, violations = [], []

    def new_visitor():
        context = chromium.new_context(
            base_url=served_site["base_url"], viewport={"width": 1280, "height": 900}
        )
        contexts.append(context)
        violations.append(watch_for_policy_violations(context))
        return context.new_page()

    new_visitor.violations = lambda: [found for each in violations for found in each]
    yield new_visitor
    for context in contexts:
        context.close()


def main_menu(editor, *names: str) -> None:
    """Follow the admin's main menu: buttons that open a submenu, then the link."""
    menu = editor.get_by_role("navigation", name="Hovedmenu")
    *submenus, link = names
    for name in submenus:
        menu.get_by_role("button", name=name).click()
    menu.get_by_role("link", name=link, exact=True).click()


def wait_for_the_form(editor) -> None:
    """A new page's or object's form is ready once the admin's scripts have drawn it (a new
    page has no editing session to report yet)."""
    editor.wait_for_load_state("networkidle")


def row_menu(editor, name: str):
    """The menu of one row of an admin listing ("Flere muligheder for '...'"), opened."""
    editor.get_by_role("button", name=f"Flere muligheder for '{name}'").click()
    return editor.locator("[data-w-dropdown-target='content']:visible")


# 1. An image and a story


IMAGE_TITLE = "Langbord i Karise"
IMAGE_DESCRIPTION = "Kaffekander og kopper på et langt bord i Karise Forsamlingshus"
STORY_TITLE = "Kaffe, kage og samskabelse i Karise"


def make_photo(path) -> None:
    """A JPEG as a camera would give one (wide enough for every rendition the site asks for),
    drawn anew: Wagtail warns of a duplicate when the same picture is uploaded twice."""
    photo = Image.new("RGB", (1600, 900), (180, 120, 60))
    ImageDraw.Draw(photo).ellipse((500, 150, 1100, 750), fill=(240, 230, 210))
    photo.save(path, "JPEG")


def test_procesleder_adds_an_image_and_writes_a_story_with_it(editor, visitors, tmp_path):
    make_photo(tmp_path / "langbord.jpg")
    main_menu(editor, "Billeder")
    editor.get_by_role("link", name="Tilføj et billede").click()
    editor.locator("input[type=file]").set_input_files(tmp_path / "langbord.jpg")
    # After the upload the image's own form: its title (the file's name until changed) and
    # its description, which the site uses as the alternative text.
    editor.get_by_role("textbox", name=re.compile("^Titel")).fill(IMAGE_TITLE)
    editor.get_by_role("textbox", name="Beskrivelse").fill(IMAGE_DESCRIPTION)
    editor.get_by_role("button", name="Opdater").click()
    expect(editor.locator(".messages")).to_contain_text("Billedet er opdateret")

    editor.goto("/admin/pages/")
    row_menu(editor, "Fortællinger").get_by_role("link", name="Tilføj en underside").click()
    expect(editor.get_by_role("heading", level=1)).to_have_text("Ny: Fortælling")
    wait_for_the_form(editor)
    editor.get_by_role("textbox", name=re.compile("^Titel")).fill(STORY_TITLE)
    editor.get_by_role("textbox", name=re.compile("^Forfatter")).fill("Mette Hansen, Karise")
    editor.get_by_role("textbox", name="Introduktion").fill(
        "Tredive ledere drak kaffe og talte om, hvad de kan gøre sammen."
    )
    editor.get_by_role("button", name="Vælg et billede").click()
    chooser = editor.get_by_role("dialog")
    chooser.get_by_role("link", name=IMAGE_TITLE).click()
    expect(chooser).to_be_hidden()
    picture = editor.get_by_role("region", name="Billede")
    expect(picture).to_contain_text(IMAGE_TITLE)
    # The story's own alternative text is left empty: the image's description is the default.
    expect(picture.get_by_role("textbox", name="Alternativ tekst til billedet")).to_have_value("")
    editor.get_by_role("button", name="Udgiv", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text(
        f"Siden '{STORY_TITLE}' er oprettet og udgivet"
    )

    visitor = visitors()
    visitor.goto("/fortaellinger/")
    card = visitor.locator("li.story-card").filter(
        has=visitor.get_by_role("link", name=STORY_TITLE, exact=True)
    )
    expect(card).to_contain_text("Mette Hansen, Karise")
    assert_shows_the_image(card.get_by_role("img", name=IMAGE_DESCRIPTION, exact=True))
    card.get_by_role("link", name=STORY_TITLE, exact=True).click()
    expect(visitor.locator("h1")).to_have_text(STORY_TITLE)
    assert re.search(r"/fortaellinger/[\w-]+/$", visitor.url)
    assert_shows_the_image(visitor.locator("main").get_by_role("img", name=IMAGE_DESCRIPTION))
    assert editor.violations == [] and visitors.violations() == []


def assert_shows_the_image(image) -> None:
    """The <img> is there with its alternative text, and the browser loaded a picture for it."""
    image.scroll_into_view_if_needed()  # the listing's images load lazily
    expect(image).to_be_visible()
    image.page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )


# 2. An activity with sign-up, and its sign-ups


ACTIVITY_TITLE = "Kaffemøde i Karise"
FIRST = {"name": "Dorthe Dam", "email": "dorthe.dam@faxekommune.dk"}
WAITING = {"name": "Erik Eg", "email": "erik.eg@faxekommune.dk"}


def sign_up(visitor, person: dict) -> None:
    """The visitor finds the activity in the listing and fills in its sign-up form."""
    visitor.goto("/aktiviteter/")
    visitor.get_by_role("link", name=ACTIVITY_TITLE, exact=True).click()
    expect(visitor.locator("h1")).to_have_text(ACTIVITY_TITLE)
    visitor.get_by_role("link", name=f"Tilmeld dig {ACTIVITY_TITLE}").click()
    assert visitor.url.endswith("/tilmelding/")
    visitor.get_by_label("Navn").fill(person["name"])
    visitor.get_by_label("Arbejdsmail").fill(person["email"])
    visitor.get_by_label("Arbejdsplads").fill("Karise Skole")
    visitor.locator("form.signup-form button[type=submit]").click()


def test_procesleder_creates_an_activity_and_handles_its_sign_ups(editor, visitors, served_site):
    start = (datetime.now(DANISH_TIME) + timedelta(days=30)).replace(hour=9, minute=0)
    editor.get_by_role("link", name="Opret en aktivitet").click()  # the dashboard's shortcut
    expect(editor.get_by_role("heading", level=1)).to_have_text("Ny: Aktivitet")
    wait_for_the_form(editor)
    editor.get_by_role("textbox", name=re.compile("^Titel")).fill(ACTIVITY_TITLE)
    editor.get_by_role("combobox", name=re.compile("^Type")).select_option(label="Workshop")
    editor.get_by_role("textbox", name=re.compile("^Starter")).fill(
        start.strftime("%d.%m.%Y %H:%M")
    )
    editor.get_by_role("textbox", name=re.compile("^Slutter")).fill(
        start.replace(hour=12).strftime("%d.%m.%Y %H:%M")
    )
    editor.get_by_role("textbox", name=re.compile("^Sted")).fill("Karise Forsamlingshus")
    editor.keyboard.press("Escape")  # the date picker, if it is still open
    editor.get_by_role("checkbox", name="Tilmelding på siden").check()
    editor.get_by_role("spinbutton", name="Antal pladser").fill("1")
    editor.get_by_role("button", name="Udgiv", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text(
        f"Siden '{ACTIVITY_TITLE}' er oprettet og udgivet"
    )

    first = visitors()
    sign_up(first, FIRST)
    expect(first.locator("h1")).to_have_text("Tak for din tilmelding")
    expect(first.locator("main")).to_contain_text(f"Du er tilmeldt {ACTIVITY_TITLE}")
    second = visitors()
    sign_up(second, WAITING)  # the one seat is taken
    expect(second.locator("h1")).to_have_text("Du står på ventelisten")

    editor.goto("/admin/")
    editor.get_by_role("link", name="Se tilmeldinger").click()
    expect(editor.get_by_role("heading", name="Tilmeldinger", level=1)).to_be_visible()
    rows = editor.locator("main table tbody tr")
    first_row = rows.filter(has_text=FIRST["email"])
    waiting_row = rows.filter(has_text=WAITING["email"])
    expect(first_row).to_contain_text(ACTIVITY_TITLE)
    expect(first_row.locator("td").nth(4)).to_have_text("Tilmeldt")
    expect(waiting_row.locator("td").nth(4)).to_have_text("Venteliste")

    signup = f"{FIRST['name']} ({FIRST['email']})"
    row_menu(editor, signup).get_by_role("link", name="Slet").click()
    expect(editor.locator("h1")).to_have_text(f"Slet {signup}")
    editor.get_by_role("button", name="Ja, slet").click()
    expect(editor.locator(".messages")).to_contain_text(f"Tilmelding '{signup}' er slettet")
    expect(first_row).to_have_count(0)
    expect(waiting_row.locator("td").nth(4)).to_have_text("Tilmeldt")

    [seat] = mail_to(served_site, WAITING["email"], f"Du har fået en plads: {ACTIVITY_TITLE}")
    assert "du stod først på ventelisten, så nu er du tilmeldt" in seat.body

    # The seat went on to the one waiting: the activity is still full.
    visitor = visitors()
    visitor.goto("/aktiviteter/")
    visitor.get_by_role("link", name=ACTIVITY_TITLE, exact=True).click()
    expect(visitor.locator(".signup-box")).to_contain_text(
        "Fuldt booket – skriv dig på ventelisten"
    )
    assert editor.violations == [] and visitors.violations() == []


# 3. An earlier version brought back

PHASE, PHASE_URL = "Det ny Faxe", "/faser/det-ny-faxe/"
NEW_PHASE_INTRODUCTION = "En ny indledning til fasen, som procesleder fortryder."


def phase_introduction(visitor) -> str:
    visitor.goto(PHASE_URL)
    return visitor.locator("main .lead").inner_text().strip()


def test_procesleder_brings_back_a_pages_earlier_version(editor, visitors):
    editor.goto("/admin/pages/")
    editor.get_by_role("link", name="Udforsk undersider af 'Faser'").click()
    editor.get_by_role("link", name=PHASE, exact=True).click()
    editor.wait_for_event("response", lambda r: "/editing-sessions/ping/" in r.url)
    introduction = editor.get_by_role("textbox", name="Introduktion")
    seed_text = introduction.input_value().strip()
    assert seed_text
    introduction.fill(NEW_PHASE_INTRODUCTION)
    editor.get_by_role("button", name="Udgiv", exact=True).click()
    expect(editor.locator(".messages")).to_contain_text(f"Siden '{PHASE}' er udgivet")
    visitor = visitors()
    assert phase_introduction(visitor) == NEW_PHASE_INTRODUCTION

    editor.get_by_role("link", name=PHASE, exact=True).click()
    editor.get_by_role("link", name="Historik").click()
    expect(editor.locator("h1")).to_have_text(f"Historik: {PHASE}")
    # Newest first: the seed's version is the page's creation, the last row with actions.
    editor.locator("main table").get_by_role("button", name="Handlinger").last.click()
    editor.locator("[data-w-dropdown-target='content']:visible").get_by_role(
        "link", name="Se og gendan denne version"
    ).click()
    expect(editor.locator(".messages")).to_contain_text("Du ser en tidligere version")
    expect(introduction).to_have_value(re.compile(re.escape(seed_text)))
    editor.get_by_role("button", name="Udgiv denne version").click()
    expect(editor.locator(".messages")).to_contain_text("er udgivet")

    assert phase_introduction(visitors()) == seed_text
    assert editor.violations == [] and visitors.violations() == []


# 4. A redirect

OLD_ADDRESS = "/gammel-side/"


def test_procesleder_adds_a_redirect_to_a_chosen_page(editor, visitors, served_site):
    visitor = visitors()
    assert visitor.goto(OLD_ADDRESS).status == 404

    main_menu(editor, "Indstillinger", "Omdirigeringer")
    editor.get_by_role("link", name="Tilføj omdirigering").click()
    wait_for_the_form(editor)
    editor.get_by_role("textbox", name=re.compile("^Omdirigér fra")).fill(OLD_ADDRESS)
    editor.get_by_role("button", name="Vælg en side").click()
    chooser = editor.get_by_role("dialog")
    # The chooser opens at the Forside: its pages are there to choose at once.
    chooser.get_by_role("link", name="Baggrund", exact=True).click()
    expect(chooser).to_be_hidden()
    editor.get_by_role("button", name="Opret").click()
    # Wagtail keeps the address without its last slash and matches it with or without one.
    expect(editor.locator(".messages")).to_contain_text(
        f"Omdirigeringen '{OLD_ADDRESS.rstrip('/')}' er tilføjet"
    )

    response = visitor.goto(OLD_ADDRESS)
    assert response.status == 200
    assert visitor.url == served_site["base_url"] + "/baggrund/"
    expect(visitor.locator("h1")).to_have_text("Baggrund")
    assert editor.violations == [] and visitors.violations() == []
