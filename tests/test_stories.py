"""Fortællinger: story pages, their index (newest first, by tag, a page at a time), the link to
the activity a story is from, and what it all costs to render (the RSS feed:
tests/test_story_feed.py)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import PageViewRestriction

from stories.models import StoryIndexPage, StoryPage, newest_stories, stories_about
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.images import make_image
from tests.support.queries import BUDGET, uncached_queries
from tests.support.showcase_activities import activity_index, add_activity
from tests.support.showcase_stories import add_story, build, story_index

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def card_titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in soup(response).select(".story-card .card__title a")]


def an_activity(title="Temadag om samskabelse"):
    """The activity a story reports from."""
    start = datetime.datetime(2017, 10, 10, 9, tzinfo=COPENHAGEN)
    return add_activity(activity_index(), title, start)


# The index


@pytest.mark.django_db
def test_index_lists_live_stories_newest_first(client, seeded):
    index = story_index()
    add_story(index, title="Forår", date=datetime.date(2018, 3, 1))
    add_story(index, title="Efterår", slug="efteraar", date=datetime.date(2017, 10, 10))
    add_story(index, title="Sommer", date=datetime.date(2018, 6, 21))
    add_story(index, title="Kladde", date=datetime.date(2019, 1, 1), publish=False)

    response = client.get("/fortaellinger/")

    assert response.status_code == 200
    assert "stories/story_index_page.html" in [t.name for t in response.templates]
    assert card_titles(response) == ["Sommer", "Forår", "Efterår"]
    assert "3 fortællinger." in text_of(response, ".story-count")
    card = soup(response).select(".story-card")[2]
    assert card.select_one("a")["href"] == "/fortaellinger/efteraar/"
    assert card.select_one("time")["datetime"] == "2017-10-10"
    assert text_of_element(card.select_one(".story-meta")) == (
        "Fortælling · 10. oktober 2017 · Mette Hansen"
    )


def text_of_element(element) -> str:
    return " ".join(element.get_text().split())


@pytest.mark.django_db
def test_index_filters_by_tag(client, seeded):
    index = story_index()
    add_story(index, title="Temadag i Haslev", tags=["temadag"], date=datetime.date(2017, 10, 10))
    add_story(index, title="LederForum i Faxe", tags=["LederForum"], date=datetime.date(2018, 1, 9))
    add_story(
        index,
        title="Temadag i Rønnede",
        tags=["temadag", "LederForum"],
        date=datetime.date(2018, 2, 1),
    )
    add_story(index, title="Upubliceret", tags=["kladde"], publish=False)

    everything = client.get("/fortaellinger/")
    tag_links = soup(everything).select("nav.tag-filter a")
    # Only tags that live stories carry, alphabetically, after the way back to all stories.
    assert [(a.get_text(), a["href"]) for a in tag_links] == [
        ("Alle fortællinger", "/fortaellinger/"),
        ("LederForum", "/fortaellinger/?tag=lederforum"),
        ("temadag", "/fortaellinger/?tag=temadag"),
    ]
    assert [a.get_text() for a in soup(everything).select("nav.tag-filter [aria-current]")] == [
        "Alle fortællinger"
    ]

    temadag = client.get("/fortaellinger/?tag=temadag")
    assert temadag.status_code == 200
    assert card_titles(temadag) == ["Temadag i Rønnede", "Temadag i Haslev"]
    assert text_of(temadag, "#story-list-heading") == "Fortællinger om temadag"
    current = soup(temadag).select("nav.tag-filter [aria-current]")
    assert [(a.get_text(), a["aria-current"]) for a in current] == [("temadag", "true")]

    assert card_titles(client.get("/fortaellinger/?tag=lederforum")) == [
        "Temadag i Rønnede",
        "LederForum i Faxe",
    ]
    # A tag no live story carries is no page.
    assert client.get("/fortaellinger/?tag=kladde").status_code == 404
    assert client.get("/fortaellinger/?tag=findes-ikke").status_code == 404


@pytest.mark.django_db
def test_index_is_paginated_with_danish_links(client, seeded, monkeypatch):
    monkeypatch.setattr(StoryIndexPage, "per_page", 2)
    index = story_index()
    for day in range(1, 6):
        add_story(index, title=f"Dag {day}", date=datetime.date(2018, 1, day), tags=["temadag"])

    first = client.get("/fortaellinger/")
    assert card_titles(first) == ["Dag 5", "Dag 4"]
    assert "5 fortællinger, side 1 af 3." in text_of(first, ".story-count")
    nav = soup(first).select_one("nav.pagination")
    assert nav["aria-label"] == "Sider med fortællinger"
    links = [(" ".join(a.get_text(" ").split()), a["href"]) for a in nav.find_all("a")]
    assert links == [
        ("Side 1", "/fortaellinger/"),
        ("Side 2", "/fortaellinger/?side=2"),
        ("Side 3", "/fortaellinger/?side=3"),
        ("Næste side", "/fortaellinger/?side=2"),
    ]
    assert nav.select_one("[aria-current='page']").get_text(" ", strip=True) == "Side 1"

    last = client.get("/fortaellinger/?side=3")
    assert card_titles(last) == ["Dag 1"]
    nav = soup(last).select_one("nav.pagination")
    assert nav.find("a", rel="prev")["href"] == "/fortaellinger/?side=2"
    assert nav.find("a", rel="next") is None
    assert nav.select_one("[aria-current='page']").get_text(" ", strip=True) == "Side 3"

    # The tag filter is kept from page to page.
    tagged = soup(client.get("/fortaellinger/?tag=temadag&side=2")).select_one("nav.pagination")
    assert tagged.find("a", rel="next")["href"] == "/fortaellinger/?tag=temadag&side=3"
    assert tagged.find("a", rel="prev")["href"] == "/fortaellinger/?tag=temadag"

    for missing in ("4", "0", "abc"):
        assert client.get(f"/fortaellinger/?side={missing}").status_code == 404


@pytest.mark.django_db
def test_one_page_of_stories_has_no_pagination(client, seeded):
    add_story(title="Alene")
    assert soup(client.get("/fortaellinger/")).select_one("nav.pagination") is None


# A story


@pytest.mark.django_db
def test_story_shows_kind_date_author_tags_and_picture(client, seeded, image):
    add_story(
        title="Temadag i Haslev",
        kind=StoryPage.Kind.PROEVEHANDLING,
        author="Mette Hansen, Haslev Skole",
        date=datetime.date(2017, 10, 10),
        introduction="Sådan gik det.",
        picture=image,
        picture_alt="Deltagere i rundkreds i gymnastiksalen",
        tags=["temadag", "LederForum"],
        body=[("paragraph", "<p>Vi prøvede noget nyt.</p>")],
    )

    response = client.get("/fortaellinger/temadag-i-haslev/")

    assert response.status_code == 200
    assert "stories/story_page.html" in [t.name for t in response.templates]
    meta = text_of(response, "header .story-meta")
    assert meta == "Prøvehandling · 10. oktober 2017 · Af Mette Hansen, Haslev Skole"
    assert "Vi prøvede noget nyt." in text_of(response, ".page-body")
    page = soup(response)
    img = page.select_one(".page-picture img")
    assert img["alt"] == "Deltagere i rundkreds i gymnastiksalen"
    assert img["width"] and img["height"]
    tags = [(a.get_text(), a["href"]) for a in page.select(".story-tags a")]
    assert tags == [
        ("LederForum", "/fortaellinger/?tag=lederforum"),
        ("temadag", "/fortaellinger/?tag=temadag"),
    ]
    assert page.select_one(".back-link a")["href"] == "/fortaellinger/"
    breadcrumbs = [a.get_text() for a in page.select("nav.breadcrumbs a")]
    assert breadcrumbs == ["Forside", "Fortællinger"]

    # The index shows the same image as a lazily loaded teaser with its size and alt text.
    teaser = soup(client.get("/fortaellinger/")).select_one(".story-card img")
    assert teaser["alt"] == "Deltagere i rundkreds i gymnastiksalen"
    assert teaser["loading"] == "lazy"
    assert teaser["width"] and teaser["height"]
    assert teaser.find_parent("picture").select("source[type='image/avif']")


@pytest.mark.django_db
def test_picture_needs_alt_text_in_danish(seeded, image):
    story = add_story()
    story.picture = image
    story.picture_alt = "  "
    with pytest.raises(ValidationError) as error:
        story.full_clean()
    assert error.value.message_dict["picture_alt"] == [
        "Skriv en alternativ tekst til billedet, der siger det samme som billedet for dem, der "
        "ikke kan se det, eller marker billedet som dekorativt. (Har billedet en beskrivelse "
        "under Billeder, bruges den, når feltet er tomt.)"
    ]
    story.picture_alt = "Deltagere på en temadag"
    story.full_clean()


@pytest.mark.django_db
def test_picture_alt_text_defaults_to_the_images_description(procesleder_client, client, seeded):
    image = make_image()
    image.description = "Ledere i rundkreds på rådhuset"
    image.save()
    story = add_story(title="Rundkreds")
    data = page_edit_data(
        procesleder_client,
        story,
        picture=image.pk,
        picture_alt="",
        **{"action-publish": "action-publish"},
    )
    assert procesleder_client.post(f"/admin/pages/{story.pk}/edit/", data).status_code == 302
    img = soup(client.get("/fortaellinger/rundkreds/")).select_one(".page-picture img")
    assert img["alt"] == "Ledere i rundkreds på rådhuset"
    # The editor sees the text in the field, to keep or change.
    edit = soup(procesleder_client.get(f"/admin/pages/{story.pk}/edit/"))
    assert edit.select_one("input[name='picture_alt']")["value"] == "Ledere i rundkreds på rådhuset"


@pytest.mark.django_db
def test_procesleder_is_told_in_danish_to_describe_the_picture(
    procesleder_client, client, seeded, image
):
    story = add_story(title="Temadag i Haslev")
    edit_url = f"/admin/pages/{story.pk}/edit/"
    revisions_before = story.revisions.count()

    data = page_edit_data(procesleder_client, story, picture=image.pk, picture_alt="")
    response = procesleder_client.post(edit_url, data)

    assert response.status_code == 200
    assert "Skriv en alternativ tekst til billedet" in response.content.decode()
    assert story.revisions.count() == revisions_before

    data = page_edit_data(
        procesleder_client,
        story,
        picture=image.pk,
        picture_alt="Deltagere på en temadag",
        **{"action-publish": "action-publish"},
    )
    assert procesleder_client.post(edit_url, data).status_code == 302
    img = soup(client.get("/fortaellinger/temadag-i-haslev/")).select_one(".page-picture img")
    assert img["alt"] == "Deltagere på en temadag"


# The activity a story is from


@pytest.mark.django_db
def test_story_links_to_its_activity(client, seeded):
    activity = an_activity("Temadag om samskabelse")
    add_story(title="Det lærte vi", activity=activity)

    link = soup(client.get("/fortaellinger/det-laerte-vi/")).select_one(".story-activity")
    assert " ".join(link.get_text().split()) == "Fra aktiviteten: Temadag om samskabelse"
    assert link.a["href"] == activity.url

    # An activity taken off the site is no longer linked, on the very next request.
    activity.unpublish()
    response = client.get("/fortaellinger/det-laerte-vi/")
    assert soup(response).select_one(".story-activity") is None
    assert "Temadag om samskabelse" not in text_of(response, "main")


@pytest.mark.django_db
def test_the_editor_links_a_story_to_an_activity_only(procesleder_client, seeded):
    story = add_story()
    edit_url = f"/admin/pages/{story.pk}/edit/"
    data = page_edit_data(procesleder_client, story, activity=seeded["baggrund"].pk)
    refused = procesleder_client.post(edit_url, data)
    assert refused.status_code == 200
    assert "Marker en gyldig valgmulighed" in text_of(refused, "main")  # Django's Danish
    activity = an_activity()
    data = page_edit_data(procesleder_client, story, activity=activity.pk)
    assert procesleder_client.post(edit_url, data).status_code == 302
    assert StoryPage.objects.get(pk=story.pk).get_latest_revision_as_object().activity == activity


@pytest.mark.django_db
def test_an_activity_page_shows_the_stories_from_it_and_follows_them(client, seeded):
    activity = an_activity("Temadag om samskabelse")
    client.get(activity.url)
    assert client.get(activity.url)["X-Cache"] == "HIT"
    story = add_story(title="Det lærte vi", activity=activity)
    add_story(title="Fra et andet sted")

    shown = soup(client.get(activity.url)).select("main .story-card .card__title a")
    assert [(a.get_text(strip=True), a["href"]) for a in shown] == [("Det lærte vi", story.url)]
    story.unpublish()
    assert not soup(client.get(activity.url)).select("main .story-card")


@pytest.mark.django_db
def test_an_activity_in_a_private_section_is_not_linked(client, seeded):
    activity = an_activity("Lukket seminar")
    PageViewRestriction.objects.create(page=activity, restriction_type="login")
    add_story(title="Fra seminaret", activity=activity)
    response = client.get("/fortaellinger/fra-seminaret/")
    assert response.status_code == 200
    assert soup(response).select_one(".story-activity") is None


@pytest.mark.django_db
def test_drafts_and_unknown_stories_are_not_found(client, seeded):
    add_story(title="Kladde", publish=False)
    add_story(title="Udgivet")
    assert client.get("/fortaellinger/udgivet/").status_code == 200
    assert client.get("/fortaellinger/kladde/").status_code == 404
    assert client.get("/fortaellinger/findes-ikke/").status_code == 404
    assert client.get("/fortaellinger/udgivet/mere/").status_code == 404


@pytest.mark.django_db
def test_stories_about_an_activity(seeded):
    activity, other = an_activity("Temadag"), an_activity("Seminar")
    add_story(title="Først", activity=activity, date=datetime.date(2017, 10, 10))
    add_story(title="Senere", activity=activity, date=datetime.date(2017, 11, 1))
    add_story(title="Kladde", activity=activity, publish=False)
    add_story(title="Fra seminaret", activity=other)
    add_story(title="Uden aktivitet")

    assert [story.title for story in stories_about(activity)] == ["Senere", "Først"]
    assert [story.title for story in stories_about(other)] == ["Fra seminaret"]


@pytest.mark.django_db
def test_newest_stories_for_the_home_page(seeded):
    add_story(title="Gammel", date=datetime.date(2016, 1, 1))
    add_story(title="Ny", date=datetime.date(2019, 1, 1))
    add_story(title="Midt", date=datetime.date(2018, 1, 1))
    add_story(title="Kladde", date=datetime.date(2020, 1, 1), publish=False)
    assert [story.title for story in newest_stories(2)] == ["Ny", "Midt"]


@pytest.mark.django_db
def test_search_finds_stories_by_author_and_tag(seeded):
    add_story(title="Temadag i Haslev", author="Mette Kirkegaard", tags=["samskabelse"])
    add_story(title="Noget andet", author="Jens Olsen")
    assert [p.title for p in StoryPage.objects.live().search("Kirkegaard")] == ["Temadag i Haslev"]
    assert [p.title for p in StoryPage.objects.live().search("samskabelse")] == ["Temadag i Haslev"]


# Cache and query budget


@pytest.mark.django_db
def test_publishing_a_story_updates_the_index_on_the_next_request(client, seeded):
    index = story_index()
    add_story(index, title="Den første")
    client.get("/fortaellinger/")
    assert client.get("/fortaellinger/")["X-Cache"] == "HIT"

    story = add_story(index, title="Den nye", date=datetime.date(2030, 1, 1))
    response = client.get("/fortaellinger/")
    assert response["X-Cache"] == "MISS"
    assert card_titles(response) == ["Den nye", "Den første"]

    story.title = "Den nye, rettet"
    story.save_revision().publish()
    assert card_titles(client.get("/fortaellinger/"))[0] == "Den nye, rettet"

    story.unpublish()
    assert card_titles(client.get("/fortaellinger/")) == ["Den første"]


def add_stories_with_images(numbers):
    index = story_index()
    for n in numbers:
        add_story(
            index,
            title=f"Fortælling {n}",
            slug=f"fortaelling-{n}",
            date=datetime.date(2017, 1, 1) + datetime.timedelta(days=n),
            picture=make_image(f"Billede {n}", size=(400, 225)),
            picture_alt=f"Billede nummer {n}",
            tags=["temadag", f"emne-{n}"],
        )


@pytest.mark.django_db
def test_index_queries_do_not_grow_from_1_to_30_stories(
    client, seeded, django_assert_max_num_queries
):
    add_stories_with_images(range(1))
    with_one = uncached_queries(client, "/fortaellinger/", django_assert_max_num_queries)
    add_stories_with_images(range(1, 30))
    with_thirty = uncached_queries(client, "/fortaellinger/", django_assert_max_num_queries)
    assert len(card_titles(client.get("/fortaellinger/"))) == StoryIndexPage.per_page
    assert with_thirty == with_one <= BUDGET


@pytest.mark.django_db
def test_story_and_showcase_render_within_the_budget(
    client, seeded, image, django_assert_max_num_queries
):
    activity = an_activity()
    pages = build(image)
    story = pages["story"]
    story.activity = activity
    story.save_revision().publish()
    for page in pages.values():
        assert client.get(page.url).status_code == 200
        uncached_queries(client, page.url, django_assert_max_num_queries)
