"""One rule for every listing (stories, activities, search results): `?side=N` names a page as
the listing's links write it, and anything else, or a page past the last, is the site's 404
page; an unknown filter (tag, type) too. The page cache keeps one copy per page of a listing, and
answers made-up query parameters from the copy without them."""

import datetime

import pytest

from activities.models import ActivityIndexPage, ActivityPage, ActivityType
from findability import views
from stories.models import StoryIndexPage
from tests.support.html import soup, text_of
from tests.support.showcase_activities import activity_index
from tests.support.showcase_stories import add_story

LISTINGS = {
    "stories": "/fortaellinger/?",
    "stories by tag": "/fortaellinger/?tag=temadag&",
    "activities": "/aktiviteter/?",
    "activities by type": "/aktiviteter/?type=temadag&",
    "search": "/soeg/?q=samskabelsesdag&",
}
NOT_PAGE_NUMBERS = [
    "",
    "abc",
    "0",
    "-1",
    "+1",
    "01",
    "1.0",
    " 1",
    "1 ",
    "1e3",
    "0x1",
    "٣",  # a digit to str.isdigit(), but not as the listing writes it
    "2147483648",
    "9223372036854775807",
    "9223372036854775808",
    "9" * 30,
    "9" * 5000,
    "3",  # past the last of two pages
]


@pytest.fixture
def two_pages_each(seeded, monkeypatch):
    """Every listing with two items, one to a page."""
    monkeypatch.setattr(StoryIndexPage, "per_page", 1)
    monkeypatch.setattr(ActivityIndexPage, "per_page", 1)
    monkeypatch.setattr(views, "SEARCH_RESULTS_PER_PAGE", 1)
    start = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=10)
    for n in (1, 2):
        add_story(title=f"Fortælling {n}", introduction="En samskabelsesdag.", tags=["temadag"])
        activity = activity_index().add_child(
            instance=ActivityPage(
                title=f"Temadag {n}",
                activity_type=ActivityType.TEMADAG,
                start=start + datetime.timedelta(days=n),
                end=start + datetime.timedelta(days=n, hours=6),
                place="Rådhuset, Frederiksgade 9, 4690 Haslev",
            )
        )
        activity.save_revision().publish()


def titles(response) -> list[str]:
    page = soup(response)
    links = page.select(".card__title a") or page.select(".search-results h3 a")
    return [" ".join(link.get_text().split()) for link in links]


@pytest.mark.django_db
@pytest.mark.parametrize("listing", LISTINGS)
def test_each_page_of_a_listing_has_one_address(client, two_pages_each, listing):
    url = LISTINGS[listing]
    first, second = client.get(url.rstrip("?&")), client.get(f"{url}side=2")
    assert first.status_code == second.status_code == 200
    assert len(titles(first)) == len(titles(second)) == 1
    assert titles(first) != titles(second)
    assert client.get(f"{url}side=1").content == first.content


@pytest.mark.django_db
@pytest.mark.parametrize("listing", LISTINGS)
def test_anything_but_a_page_number_is_the_sites_404_page(client, two_pages_each, listing):
    for value in NOT_PAGE_NUMBERS:
        response = client.get(f"{LISTINGS[listing]}side={value}")
        assert response.status_code == 404, value
        assert text_of(response, "h1") == "Siden findes ikke", value
        assert response["X-Cache"] == "MISS", value  # not kept: a flood of them stores nothing


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/fortaellinger/?tag=findes-ikke", "/aktiviteter/?type=findes-ikke", "/soeg/?side=2"]
)
def test_an_unknown_filter_or_a_second_page_of_nothing_is_not_found(client, seeded, url):
    response = client.get(url)
    assert response.status_code == 404
    assert text_of(response, "h1") == "Siden findes ikke"


@pytest.mark.django_db
def test_an_empty_listing_has_its_first_page(client, seeded):
    for url in ("/fortaellinger/", "/aktiviteter/?side=1", "/soeg/?q=intetsteds"):
        assert client.get(url).status_code == 200, url


@pytest.mark.django_db
@pytest.mark.parametrize("listing", LISTINGS)
def test_the_cache_keeps_a_copy_per_page_and_ignores_other_parameters(
    client, two_pages_each, listing
):
    url = LISTINGS[listing]
    second = client.get(f"{url}side=2")
    assert second["X-Cache"] == "MISS"
    for same in (f"{url}side=2", f"{url}side=2&utm_source=nyhedsbrev", f"{url}x=1&side=2"):
        again = client.get(same)
        assert (again["X-Cache"], again.content) == ("HIT", second.content), same
    first = client.get(f"{url}utm_source=nyhedsbrev")
    assert first["X-Cache"] == "MISS"  # the first page: a copy of its own
    assert titles(first) != titles(second)
    assert client.get(url.rstrip("?&"))["X-Cache"] == "HIT"
