"""Take the editor's guide's pictures (static/guide/*.webp): the admin as a Procesleder sees it,
on a freshly seeded site served by gunicorn, photographed by Debian's Chromium.

    .venv/bin/python scripts/guide_pictures.py

Run it when the admin's look changes (a Wagtail upgrade, a new task in the guide) and commit the
pictures; editors/sections.py names them and their alternative texts. The site lives in a
temporary folder and is gone afterwards."""

import os
import subprocess
import sys
import tempfile
from io import BytesIO
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.served_site import BASE_DIR, start_gunicorn, stop_gunicorn  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PICTURES = BASE_DIR / "static" / "guide"
VIEWPORT = {"width": 1280, "height": 800}
WIDTH = 960  # as shown in the guide's column, at most
USERNAME, PASSWORD = "procesleder", "guide-billeder-42"

# A Procesleder, and an activity with sign-ups for the sign-ups list; run by manage.py shell.
PREPARE = "from scripts.guide_pictures import prepare; prepare()"


def prepare() -> None:
    import datetime

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from activities.models import ActivityIndexPage, ActivityPage
    from activities.signups import SignUp

    user = User.objects.create_user(
        USERNAME, password=PASSWORD, first_name="Proces", last_name="Leder"
    )
    user.groups.add(Group.objects.get(name="Procesleder"))
    start = timezone.now().replace(hour=9, minute=0, second=0, microsecond=0)
    start += datetime.timedelta(days=30)
    activity = ActivityIndexPage.objects.get().add_child(
        instance=ActivityPage(
            title="Temadag om samskabelse",
            start=start,
            end=start + datetime.timedelta(hours=6),
            place="Rådhuset, Frederiksgade 9, 4690 Haslev",
            signup_enabled=True,
            capacity=2,
        )
    )
    activity.save_revision().publish()
    people = [
        ("Mette Hansen", "Haslev Bibliotek", SignUp.Status.CONFIRMED),
        ("Jonas Berg", "Center for Dagtilbud", SignUp.Status.CONFIRMED),
        ("Aisha Khan", "Faxe Skole", SignUp.Status.WAITING),
    ]
    # A page in the Papirkurv, deleted by the procesleder.
    from pages.models import ContentPage
    from trash.operations import move_to_trash

    home = ActivityIndexPage.objects.get().get_parent()
    old_page = home.add_child(
        instance=ContentPage(title="Kulturdag 2019", slug="kulturdag-2019", show_in_menus=False)
    )
    old_page.save_revision().publish()
    move_to_trash(old_page, user=user)
    # Baggrund due for review three days ago, owned by the procesleder.
    from wagtail.models import Page

    from review.models import PageReview

    baggrund = Page.objects.get(slug="baggrund")
    Page.objects.filter(pk=baggrund.pk).update(owner=user)
    due = timezone.localdate() - datetime.timedelta(days=3)
    PageReview.objects.update_or_create(page=baggrund, defaults={"due": due})
    for name, workplace, status in people:
        email = name.split()[0].lower() + "@faxe.dk"
        SignUp.objects.create(
            activity=activity, name=name, workplace=workplace, email=email, status=status
        )


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def save(png: bytes, name: str) -> None:
    image = Image.open(BytesIO(png)).convert("RGB")
    image = image.resize((WIDTH, round(image.height * WIDTH / image.width)), Image.LANCZOS)
    image.save(PICTURES / name, "WEBP", quality=80, method=6)
    print(f"{name}: {image.width}x{image.height}, {(PICTURES / name).stat().st_size} bytes")


def photograph(base_url: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(base_url=base_url, viewport=VIEWPORT)
        page.goto("/admin/login/")
        page.get_by_label("Brugernavn").fill(USERNAME)
        page.get_by_label("Adgangskode").fill(PASSWORD)
        page.get_by_role("button", name="Log ind").click()
        page.wait_for_url("**/admin/")

        save(page.screenshot(), "kontrolpanel.webp")

        page.goto("/admin/pages/")
        page.get_by_role("link", name="Baggrund", exact=True).first.click()
        page.get_by_role("textbox", name="Introduktion").wait_for()
        save(page.screenshot(), "ret-en-side.webp")

        page.goto("/admin/tilmeldinger/")
        save(page.screenshot(), "tilmeldinger.webp")

        page.goto("/admin/snippets/contacts/contactperson/")
        page.get_by_role("link", name="Thomas Børager (Procesleder)").click()
        page.get_by_role("button", name="Vis/skjul status").click()
        page.get_by_role("button", name="Angiv tidsplan").wait_for()
        page.wait_for_timeout(500)  # the panel slides in
        save(page.screenshot(), "kontakt.webp")

        page.goto("/admin/papirkurv/")
        save(page.screenshot(), "papirkurv.webp")

        page.goto("/admin/review/")
        save(page.screenshot(), "gennemgang.webp")
        browser.close()


def main() -> None:
    PICTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "faxeif.settings.dev",
            "DATABASE_URL": f"sqlite:///{tmp}/guide.sqlite3",
            "CACHE_DIR": f"{tmp}/cache",
            "NO_FRONT_SERVER": "1",
        }
        manage(env, "migrate", "--noinput", "--verbosity=0")
        manage(env, "seed_content")
        manage(env, "shell", "--command", PREPARE)
        manage(env, "collectstatic", "--noinput", "--verbosity=0")
        server, base_url = start_gunicorn(env, "--workers=2")
        try:
            photograph(base_url)
        finally:
            stop_gunicorn(server)


if __name__ == "__main__":
    main()
