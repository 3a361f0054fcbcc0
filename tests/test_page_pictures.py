"""The picture at the top of the home page, content pages, phases, activities and stories
(base.models.PicturedPage): how visitors see it, how link previews and search engines get it,
and how the procesleder chooses it."""

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from base.models import PICTURE_ALT_MISSING, SHARING_FILTER
from home.models import HomePage
from pages.models import ContentPage, PhaseIndexPage, PhasePage
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup
from tests.support.images import make_image
from tests.support.queries import uncached_queries
from tests.support.showcase import add_page
from tests.support.showcase_activities import activity_index, add_activity, days_ahead
from tests.support.showcase_stories import add_story

# What is rendered does not depend on the database: checked on the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

ALT = "Ledere i rundkreds på en temadag"
KINDS = ["home", "content", "phase", "activity", "story"]


def page_with_picture(kind, image, alt=ALT, decorative=False):
    """A published page of this kind with `image` as its picture."""
    if kind == "story":
        return add_story(picture=image, picture_alt=alt, picture_decorative=decorative)
    fields = {"picture": image, "picture_alt": alt, "picture_decorative": decorative}
    if kind == "home":
        home = HomePage.objects.get()
        for name, value in fields.items():
            setattr(home, name, value)
        home.save_revision().publish()
        return home
    if kind == "content":
        return add_page("Med billede", "En side med et billede.", **fields)
    if kind == "phase":
        phase = PhaseIndexPage.objects.get().add_child(
            instance=PhasePage(
                title="Fase med billede",
                slug="fase-med-billede",
                start_date=datetime.date(2030, 1, 1),
                **fields,
            )
        )
        phase.save_revision().publish()
        return phase
    return add_activity(activity_index(), "Temadag med billede", days_ahead(10), **fields)


def head_meta(page) -> dict:
    """The head's OpenGraph and Twitter tags, by property or name."""
    return {
        meta.get("property") or meta.get("name"): meta["content"]
        for meta in page.head.find_all("meta")
        if (meta.get("property") or meta.get("name") or "").startswith(("og:", "twitter:"))
    }


def json_ld(page) -> dict:
    scripts = page.head.find_all("script", type="application/ld+json")
    return {data["@type"]: data for data in (json.loads(s.string) for s in scripts)}


# On the page


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_page_shows_its_picture_at_the_top_in_modern_formats(client, seeded, image, kind):
    page = page_with_picture(kind, image)

    html = soup(client.get(page.url))

    figures = html.select("main figure.page-picture")
    assert len(figures) == 1
    sources = {source["type"]: source for source in figures[0].select("picture source")}
    assert set(sources) == {"image/avif", "image/webp"}
    assert [w.split()[-1] for w in sources["image/avif"]["srcset"].split(", ")] == [
        "480w",
        "800w",
        "1200w",
    ]
    img = figures[0].select_one("picture img")
    assert img["alt"] == ALT
    assert int(img["width"]) * 9 == int(img["height"]) * 16  # the 16:9 crop
    assert img["decoding"] == "async"
    assert "loading" not in img.attrs  # the first thing seen: never lazily
    if kind == "home":  # beside the vision, in the hero
        assert figures[0].find_parent("section", class_="hero--picture")


@pytest.mark.django_db
def test_a_decorative_picture_has_empty_alt_text_and_keeps_none(client, seeded, image):
    page = page_with_picture("content", image, alt="Tekst, der ikke skal bruges", decorative=True)
    assert page.picture_alt == ""  # as the editor's choice says

    html = soup(client.get(page.url))

    assert html.select_one("figure.page-picture img")["alt"] == ""
    meta = head_meta(html)
    assert "og:image" in meta and "og:image:alt" not in meta


@pytest.mark.django_db
def test_a_decorative_story_picture_has_empty_alt_text_on_its_card_too(client, seeded, image):
    story = page_with_picture("story", image, alt="Tekst, der ikke skal bruges", decorative=True)
    assert soup(client.get(story.url)).select_one("figure.page-picture img")["alt"] == ""
    assert soup(client.get("/fortaellinger/")).select_one(".story-card img")["alt"] == ""


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/baggrund/", "/faser/", "/faser/det-ny-faxe/", "/kontakt/"])
def test_a_page_without_a_picture_shows_none_and_previews_small(client, seeded, url):
    html = soup(client.get(url))
    assert html.select("figure.page-picture") == []
    meta = head_meta(html)
    assert meta["twitter:card"] == "summary"
    assert not any(name.startswith("og:image") for name in meta)


# Link previews and search engines


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_link_previews_show_the_picture_large(client, seeded, image, kind):
    page = page_with_picture(kind, image)

    meta = head_meta(soup(client.get(page.url)))

    rendition = image.get_rendition(SHARING_FILTER)
    assert meta["og:image"] == f"http://testserver{rendition.url}"
    assert meta["og:image"].endswith(".jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    assert meta["og:image:alt"] == ALT
    assert meta["twitter:card"] == "summary_large_image"


@pytest.mark.django_db
def test_a_small_upload_previews_at_its_own_size(client, seeded):
    page = page_with_picture("content", make_image(size=(800, 600)))
    meta = head_meta(soup(client.get(page.url)))
    # Wagtail never enlarges: the same 1200:630 shape, as large as the upload allows.
    assert (meta["og:image:width"], meta["og:image:height"]) == ("800", "420")


@pytest.mark.django_db
def test_a_story_tells_search_engines_it_is_an_article(client, seeded, image):
    story = add_story(
        title="Temadag i Haslev",
        author="Mette Hansen, Haslev Skole",
        date=datetime.date(2017, 10, 10),
        introduction="Sådan gik det.",
        picture=image,
        picture_alt=ALT,
    )

    html = soup(client.get(story.url))

    data = json_ld(html)
    article = data["Article"]
    assert article["@context"] == "https://schema.org"
    assert article["headline"] == "Temadag i Haslev"
    assert article["datePublished"] == "2017-10-10"
    modified = datetime.datetime.fromisoformat(article["dateModified"])
    assert modified == story.last_published_at.replace(microsecond=0)
    assert modified.utcoffset() == datetime.timedelta(hours=1)  # Danish time, as shown
    assert article["author"] == {"@type": "Person", "name": "Mette Hansen, Haslev Skole"}
    assert article["image"] == head_meta(html)["og:image"]
    assert article["description"] == "Sådan gik det."
    assert article["inLanguage"] == "da"
    assert article["mainEntityOfPage"] == "http://testserver/fortaellinger/temadag-i-haslev/"
    organisation = data["GovernmentOrganization"]["@id"]
    assert organisation == "http://testserver/#organisation"
    assert article["publisher"] == {"@id": organisation}


@pytest.mark.django_db
def test_an_article_without_picture_or_author_names_the_organisation(seeded):
    story = add_story(title="Uden billede")
    story.author = ""
    article = story.structured_data(RequestFactory().get(story.url))
    assert "image" not in article
    assert article["author"] == {"@id": "http://testserver/#organisation"}


@pytest.mark.django_db
def test_an_activitys_event_shows_its_picture(client, seeded, image):
    activity = page_with_picture("activity", image)
    html = soup(client.get(activity.url))
    assert json_ld(html)["Event"]["image"] == head_meta(html)["og:image"]
    without = add_activity(activity_index(), "Uden billede", days_ahead(11))
    assert "image" not in json_ld(soup(client.get(without.url)))["Event"]


# What the editor chooses


@pytest.mark.django_db
def test_alt_text_defaults_to_the_images_description(seeded):
    image = make_image()
    image.description = "Ledere i rundkreds på rådhuset"
    image.save()
    page = add_page("Med billede", "Tekst.", picture=image)
    assert ContentPage.objects.get(pk=page.pk).picture_alt == "Ledere i rundkreds på rådhuset"


@pytest.mark.django_db
def test_a_picture_needs_alt_text_unless_decorative(seeded, image):
    page = seeded["baggrund"]
    page.picture = image
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert error.value.message_dict == {"picture_alt": [PICTURE_ALT_MISSING]}
    page.picture_decorative = True
    page.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["home", "content"])
def test_procesleder_gives_a_page_a_picture(procesleder_client, client, seeded, image, kind):
    page = seeded["home"] if kind == "home" else seeded["baggrund"]
    data = page_edit_data(
        procesleder_client,
        page,
        picture=image.pk,
        picture_alt=ALT,
        **{"action-publish": "action-publish"},
    )
    assert procesleder_client.post(f"/admin/pages/{page.pk}/edit/", data).status_code == 302

    page.refresh_from_db()
    assert (page.picture, page.picture_alt, page.picture_decorative) == (image, ALT, False)
    img = soup(client.get(page.url)).select_one("figure.page-picture img")
    assert img["alt"] == ALT


@pytest.mark.django_db
def test_procesleder_is_told_in_danish_to_describe_the_picture(
    procesleder_client, client, seeded, image
):
    page = seeded["baggrund"]
    edit_url = f"/admin/pages/{page.pk}/edit/"
    revisions_before = page.revisions.count()

    data = page_edit_data(procesleder_client, page, picture=image.pk, picture_alt="")
    response = procesleder_client.post(edit_url, data)

    assert response.status_code == 200
    assert PICTURE_ALT_MISSING in response.content.decode()
    assert page.revisions.count() == revisions_before

    data = page_edit_data(
        procesleder_client,
        page,
        picture=image.pk,
        picture_alt="",
        picture_decorative="on",
        **{"action-publish": "action-publish"},
    )
    assert procesleder_client.post(edit_url, data).status_code == 302
    assert soup(client.get(page.url)).select_one("figure.page-picture img")["alt"] == ""


@pytest.mark.django_db
def test_the_editor_offers_the_picture_in_danish(procesleder_client, seeded):
    edit = soup(procesleder_client.get(f"/admin/pages/{seeded['baggrund'].pk}/edit/"))
    text = edit.get_text()
    assert "Dekorativt billede (ingen alternativ tekst)" in text
    assert "Alternativ tekst til billedet" in text
    assert edit.select_one("input[name='picture_decorative'][type='checkbox']")


# The page cache


@pytest.mark.django_db
def test_a_cached_page_follows_changes_to_its_picture(client, seeded, image):
    page = page_with_picture("content", image)
    client.get(page.url)
    assert client.get(page.url)["X-Cache"] == "HIT"
    image.focal_point_x, image.focal_point_y = 100, 100
    image.focal_point_width = image.focal_point_height = 50
    image.save()  # the editor moves the focal point: the crops change
    assert client.get(page.url)["X-Cache"] == "MISS"


@pytest.mark.django_db
def test_a_deleted_image_leaves_the_page_without_a_picture(client, seeded, image):
    page = page_with_picture("content", image)
    client.get(page.url)
    image.delete()
    html = soup(client.get(page.url))
    assert html.select("figure.page-picture") == []
    assert head_meta(html)["twitter:card"] == "summary"


@pytest.mark.django_db
def test_a_picture_costs_a_page_no_query(client, seeded, image, django_assert_max_num_queries):
    without = add_page("Uden billede", "En side uden billede.")
    pictured = page_with_picture("content", image)
    assert uncached_queries(
        client, pictured.url, django_assert_max_num_queries, pictured
    ) == uncached_queries(client, without.url, django_assert_max_num_queries, without)
