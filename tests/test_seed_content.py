"""The seed content: the original Baggrund page, word for word, in the seed's order, built by an
idempotent command that never overwrites editors' work."""

from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from wagtail.models import Page, PageLogEntry, Revision
from wagtail.test.utils.form_data import querydict_from_html

from contacts.models import ContactPerson, Office
from pages.models import ContentPage, PhasePage
from tests.support.editor_posts import page_edit_data
from tests.support.html import normalise, soup, text_of

# A verbatim copy of the original page, kept with the tests as the reference they check against.
SEED = Path(__file__).parent / "data" / "baggrund.txt"
TITLE_LINE, *SEED_LINES = [
    normalise(line) for line in SEED.read_text(encoding="utf-8").splitlines() if line.strip()
]


def site_text(client) -> str:
    urls = [page.url for page in Page.objects.live().filter(depth__gte=2).specific()]
    return " ".join(text_of(client.get(url)) for url in urls)


@pytest.mark.django_db
def test_every_sentence_of_the_seed_is_on_the_site(client, seeded):
    text = site_text(client)
    missing = [line for line in SEED_LINES if line not in text]
    assert missing == []


@pytest.mark.django_db
def test_baggrund_tells_the_story_in_the_seeds_order(client, seeded):
    response = client.get("/baggrund/")
    assert response.status_code == 200
    text = text_of(response, "main")
    position = 0
    for line in SEED_LINES:
        found = text.find(line, position)
        assert found != -1, f"not found after what precedes it in the seed: {line!r}"
        position = found + len(line)


@pytest.mark.django_db
def test_baggrund_keeps_the_original_title_and_headings(client, seeded):
    page = soup(client.get("/baggrund/"))
    assert page.title.string.startswith("Baggrund | Hvad satte det i gang?")
    assert TITLE_LINE.lower() == "baggrund | hvad satte det i gang?"
    assert page.h1.get_text(strip=True) == "Baggrund"
    headings = [h.get_text(strip=True) for h in page.select("main h2")]
    assert headings == [
        "Lidt forhistorie",
        "Det ny Faxe",
        "Faxe i Fællesskab",
        "Sammen kan vi mere",
        "Stolthed",
        "Faxe er et tilvalg",
        "Kontaktinformation",
        "Kontakt Faxe i Fællesskab",
    ]


@pytest.mark.django_db
def test_baggrund_shows_the_original_update_date(client, seeded):
    assert "Opdateringsdato: 20.10.2018 - 14:29" in text_of(client.get("/baggrund/"), "main")


@pytest.mark.django_db
def test_seed_builds_the_page_tree(seeded):
    home = seeded["home"]
    assert [p.title for p in home.get_children().live()] == [
        "Baggrund",
        "Faser",
        "Aktiviteter",
        "Fortællinger",
        "Kontakt",
    ]
    assert [p.title for p in seeded["phases"]] == [
        "Lidt forhistorie",
        "Det ny Faxe",
        "Faxe i Fællesskab",
    ]
    assert all(
        page.live and not page.has_unpublished_changes
        for page in Page.objects.descendant_of(home, inclusive=True)
    )
    assert home.vision_heading == "Faxe er et tilvalg"


def snapshot():
    return {
        "pages": sorted(
            Page.objects.values_list(
                "path", "title", "live", "latest_revision_id", "last_published_at"
            )
        ),
        "revisions": Revision.objects.count(),
        "people": list(ContactPerson.objects.values()),
        "offices": list(Office.objects.values()),
    }


@pytest.mark.django_db
def test_running_the_command_again_changes_nothing(seeded):
    before = snapshot()
    call_command("seed_content", stdout=open("/dev/null", "w"))
    assert snapshot() == before


@pytest.mark.django_db
def test_an_editors_changes_survive_a_rerun(seeded):
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Procesleders egen indledning."
    baggrund.save_revision().publish()
    seeded["process_leader"].phone = "55 55 55 55"
    seeded["process_leader"].save()
    seeded["phases"][1].delete()  # an editor removed a phase on purpose

    call_command("seed_content", stdout=open("/dev/null", "w"))

    assert ContentPage.objects.get(pk=baggrund.pk).introduction == "Procesleders egen indledning."
    assert ContactPerson.objects.get().phone == "55 55 55 55"
    assert not PhasePage.objects.filter(slug="det-ny-faxe").exists()


@pytest.mark.django_db
def test_baggrund_shows_the_phase_pages_not_a_copy(client, seeded):
    phase = seeded["phases"][0]
    phase.introduction = "En ny tekst om forhistorien."
    phase.save_revision().publish()
    text = text_of(client.get("/baggrund/"), "main")
    assert "En ny tekst om forhistorien." in text
    assert "Tilbage i 2015 bestilte byrådet" not in text


@pytest.mark.django_db
def test_baggrund_shows_the_vision_from_the_home_page(client, seeded):
    home = seeded["home"]
    home.vision_text = "<p>En ny formulering af visionen.</p>"
    home.save_revision().publish()
    assert "En ny formulering af visionen." in text_of(client.get("/baggrund/"), "main")


def seed_version_offered(procesleder_client, page) -> bool:
    """Whether the page's history offers the seed's version (*Se og gendan denne version*)."""
    first = Revision.objects.filter(object_id=str(page.pk)).order_by("created_at", "pk").first()
    history = procesleder_client.get(f"/admin/pages/{page.pk}/history/")
    return f"/admin/pages/{page.pk}/revisions/{first.pk}/revert/" in history.content.decode()


def publish_introduction(procesleder_client, page, text: str) -> None:
    data = page_edit_data(
        procesleder_client, page, introduction=text, **{"action-publish": "action-publish"}
    )
    procesleder_client.post(f"/admin/pages/{page.pk}/edit/", data)


@pytest.mark.django_db
def test_the_history_brings_back_the_seeds_text(procesleder_client, client, seeded):
    phase = seeded["phases"][1]
    seed_text = phase.introduction
    publish_introduction(procesleder_client, phase, "En ny indledning.")
    assert "En ny indledning." in text_of(client.get(phase.url))

    assert seed_version_offered(procesleder_client, phase)
    first = Revision.objects.filter(object_id=str(phase.pk)).order_by("created_at", "pk").first()
    revert_url = f"/admin/pages/{phase.pk}/revisions/{first.pk}/revert/"
    form = querydict_from_html(
        procesleder_client.get(revert_url).content.decode(), form_id="page-edit-form"
    ).dict()
    assert form["introduction"].strip() == seed_text
    # What the revert page's form sends (its body is the editor's, unchanged here).
    data = page_edit_data(procesleder_client, phase, **{"action-publish": "action-publish"})
    procesleder_client.post(revert_url, {**data, "introduction": form["introduction"]})
    assert normalise(seed_text) in text_of(client.get(phase.url))


@pytest.mark.django_db
def test_the_migration_links_a_seeded_sites_first_versions(procesleder_client, seeded):
    """A site seeded before the seed linked its versions gets them linked by the migration."""
    phase = seeded["phases"][0]
    PageLogEntry.objects.filter(page=phase, action="wagtail.create").update(revision=None)
    publish_introduction(procesleder_client, phase, "En ny indledning.")
    assert not seed_version_offered(procesleder_client, phase)
    import_module("home.migrations.0006_seed_versions_in_history").link_first_versions(apps, None)
    assert seed_version_offered(procesleder_client, phase)
