"""Activities: the index and its calendar, the activity pages and the page type rules (the
sign-ups: tests/test_signups.py)."""

import datetime
import json
import time

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from activities.dates import danish_period
from activities.models import (
    ActivityType,
    SignUp,
    upcoming_activities,
)
from base.blocks import BodyBlock
from tests.support.html import soup, text_of
from tests.support.queries import BUDGET, uncached_queries
from tests.support.showcase_activities import (
    add_activity,
    at,
    build,
    days_ahead,
    extra_urls,
    open_for_sign_up_until,
    sign_up,
)

UTC = datetime.UTC
# A title that would end the page's JSON-LD script and start one of its own, were it not escaped.
HOSTILE_TITLE = "Workshop </script><script>alert(1)</script> & mere"
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


def ics(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


# The calendar files


@pytest.mark.django_db
def test_calendar_has_the_right_times_across_the_change_to_summer_time(client, index, clock):
    clock(at(2026, 3, 1))
    add_activity(index, "Før sommertid", at(2026, 3, 28, 9), at(2026, 3, 28, 15))
    add_activity(index, "Efter sommertid", at(2026, 3, 30, 9), at(2026, 3, 30, 15))

    response = client.get("/aktiviteter/kalender.ics")
    calendar = ics(response)
    assert 'filename="aktiviteter.ics"' in response["Content-Disposition"]
    assert response["Content-Disposition"].startswith("attachment")
    assert calendar["VERSION"] == "2.0" and "Faxe i Fællesskab" in calendar["PRODID"]
    events = {event["SUMMARY"]: event for event in calendar.events}
    before, after = events["Før sommertid"], events["Efter sommertid"]
    # 9.00 Danish time is 8.00 UTC in winter time and 7.00 UTC in summer time.
    assert before.start.utcoffset() == HOUR and after.start.utcoffset() == 2 * HOUR
    assert before.start.astimezone(UTC) == datetime.datetime(2026, 3, 28, 8, tzinfo=UTC)
    assert after.start.astimezone(UTC) == datetime.datetime(2026, 3, 30, 7, tzinfo=UTC)
    assert after.end.astimezone(UTC) == datetime.datetime(2026, 3, 30, 13, tzinfo=UTC)
    # The times name Europe/Copenhagen, and the file describes that zone's change itself, so
    # a calendar without its own time zone data gets the same times.
    assert before["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    (zone,) = calendar.timezones
    assert zone.tz_name == "Europe/Copenhagen"
    described = zone.to_tz()
    assert described.utcoffset(datetime.datetime(2026, 3, 28, 9)) == HOUR
    assert described.utcoffset(datetime.datetime(2026, 3, 30, 9)) == 2 * HOUR
    for event in calendar.events:
        for field in ("UID", "DTSTAMP", "SUMMARY", "LOCATION", "DESCRIPTION", "URL"):
            assert event.get(field), field
        assert event["URL"].startswith("http://testserver/aktiviteter/")
        assert event["LOCATION"] == "Rådhuset, Frederiksgade 9, 4690 Haslev"


@pytest.mark.django_db
def test_calendar_uids_stay_the_same_when_an_activity_changes(client, index, temadag):
    seminar = add_activity(index, "Seminar", days_ahead(20), activity_type=ActivityType.SEMINAR)
    first = {
        e["SUMMARY"]: str(e["UID"]) for e in ics(client.get("/aktiviteter/kalender.ics")).events
    }
    assert first == {
        "Temadag om samskabelse": f"activity-{temadag.pk}@faxeifaellesskab.dk",
        "Seminar": f"activity-{seminar.pk}@faxeifaellesskab.dk",
    }

    temadag.title = "Temadag om samskabelse i Haslev"
    temadag.start += HOUR
    temadag.save_revision().publish()
    again = {
        e["SUMMARY"]: str(e["UID"]) for e in ics(client.get("/aktiviteter/kalender.ics")).events
    }
    assert again["Temadag om samskabelse i Haslev"] == first["Temadag om samskabelse"]

    # The activity's own file gives the event the same UID, so importing both makes one event.
    response = client.get(temadag.calendar_url())
    (event,) = ics(response).events
    assert str(event["UID"]) == first["Temadag om samskabelse"]
    assert f'filename="{temadag.slug}.ics"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_calendar_lists_upcoming_activities_only(client, index, temadag):
    add_activity(index, "Sidste års temadag", days_ahead(-365))
    summaries = [e["SUMMARY"] for e in ics(client.get("/aktiviteter/kalender.ics")).events]
    assert summaries == ["Temadag om samskabelse"]


@pytest.mark.django_db
def test_pages_link_to_their_calendar_files(client, temadag):
    index_page = soup(client.get("/aktiviteter/"))
    assert index_page.select_one("link[rel=alternate][type='text/calendar']")["href"] == (
        "/aktiviteter/kalender.ics"
    )
    link = soup(client.get(temadag.url)).select_one(".calendar-link a")
    assert link["href"] == f"{temadag.url}kalender.ics"
    assert link.get_text() == "Læg Temadag om samskabelse i din kalender"


# The activity page


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (at(2017, 10, 10, 9), at(2017, 10, 10, 15), "tirsdag 10. oktober 2017, kl. 9.00–15.00"),
        (at(2026, 3, 28, 8, 30), at(2026, 3, 28, 12), "lørdag 28. marts 2026, kl. 8.30–12.00"),
        (
            at(2017, 10, 10, 9),
            at(2017, 10, 11, 15, 30),
            "tirsdag 10. oktober 2017, kl. 9.00 – onsdag 11. oktober 2017, kl. 15.30",
        ),
        # Stored in UTC, told in Danish time.
        (
            datetime.datetime(2026, 6, 1, 22, tzinfo=UTC),
            datetime.datetime(2026, 6, 2, 6, tzinfo=UTC),
            "tirsdag 2. juni 2026, kl. 0.00–8.00",
        ),
    ],
)
def test_dates_read_as_danes_write_them(start, end, expected):
    assert danish_period(start, end) == expected


@pytest.mark.django_db
def test_activity_page_shows_what_when_where_and_for_whom(client, index):
    activity = add_activity(
        index,
        "LederForum i oktober",
        at(2030, 10, 10, 9),
        at(2030, 10, 10, 15),
        activity_type=ActivityType.LEDERFORUM,
        audience="Alle ledere i Faxe Kommune",
    )
    response = client.get(activity.url)
    assert response.status_code == 200
    assert "activities/activity_page.html" in [t.name for t in response.templates]
    page = soup(response)
    assert page.h1.get_text() == "LederForum i oktober"
    facts = text_of(response, "dl.facts")
    assert "torsdag 10. oktober 2030, kl. 9.00–15.00" in facts
    assert page.select_one("dl.facts time")["datetime"] == "2030-10-10T09:00:00+02:00"
    # A line may break after the date, never inside the times (on the page and on its card).
    assert page.select_one("dl.facts time .nowrap").get_text() == "kl. 9.00–15.00"
    card = soup(client.get("/aktiviteter/")).select_one("li.card time .nowrap")
    assert card.get_text() == "kl. 9.00–15.00"
    assert "Rådhuset, Frederiksgade 9, 4690 Haslev" in facts
    assert "Alle ledere i Faxe Kommune" in facts
    assert "LederForum" in text_of(response, ".page-header")
    assert page.select_one(".signup-box") is None, "no sign-up unless the editor turns it on"
    assert page.select_one(".back-link a")["href"] == "/aktiviteter/"


@pytest.mark.django_db
def test_activity_page_describes_the_event_for_search_engines(client, index):
    activity = add_activity(
        index,
        HOSTILE_TITLE,
        at(2030, 1, 15, 13),
        at(2030, 1, 15, 16),
        activity_type=ActivityType.WORKSHOP,
        introduction="Vi arbejder med prøvehandlinger.",
        audience="Medarbejdere",
    )
    response = client.get(activity.url)
    scripts = soup(response).select("head script[type='application/ld+json']")
    (event,) = [
        data for data in map(json.loads, (s.string for s in scripts)) if data["@type"] == "Event"
    ]
    assert event["@context"] == "https://schema.org"
    assert event["name"] == HOSTILE_TITLE
    assert event["startDate"] == "2030-01-15T13:00:00+01:00"
    assert event["endDate"] == "2030-01-15T16:00:00+01:00"
    assert event["location"]["name"] == "Rådhuset, Frederiksgade 9, 4690 Haslev"
    assert event["description"] == "Vi arbejder med prøvehandlinger."
    assert event["url"] == f"http://testserver{activity.url}"
    assert event["audience"]["audienceType"] == "Medarbejdere"
    assert "<script>alert(1)" not in response.content.decode()


@pytest.mark.django_db
def test_activity_page_shows_the_seats_left_and_links_to_the_sign_up(client, temadag):
    page = soup(client.get(temadag.url))
    box = page.select_one(".signup-box")
    assert "Der er 2 ledige pladser ud af 2." in box.get_text()
    link = box.select_one("a")
    assert link.get_text() == "Tilmeld dig Temadag om samskabelse"
    assert link["href"] == f"{temadag.url}tilmelding/"
    assert page.select_one("form[method=post]") is None, "the form has an address of its own"


@pytest.mark.django_db
def test_activity_page_sets_no_cookie_is_cached_and_shows_new_seats_at_once(client, temadag):
    first = client.get(temadag.url)
    assert first["X-Cache"] == "MISS" and not first.cookies
    second = client.get(temadag.url)
    assert second["X-Cache"] == "HIT" and not second.cookies

    assert sign_up(Client(), temadag).status_code == 302
    after = client.get(temadag.url)
    assert after["X-Cache"] == "MISS"
    assert "Der er 1 ledig plads ud af 2." in text_of(after, ".signup-box")

    sign_up(Client(), temadag, email="jens@faxekommune.dk")
    full = text_of(client.get(temadag.url), ".signup-box")
    assert "Fuldt booket – skriv dig på ventelisten." in full

    # A sign-up the procesleder deletes frees the seat on the page too.
    SignUp.objects.get(email="jens@faxekommune.dk").delete()
    assert "Der er 1 ledig plads ud af 2." in text_of(client.get(temadag.url), ".signup-box")


@pytest.mark.django_db
def test_activity_pages_change_when_the_sign_up_closes_without_anyone_editing(client, index):
    deadline = timezone.now() + datetime.timedelta(seconds=2)
    activity = open_for_sign_up_until(index, "Seminar med kort frist", deadline)
    assert "Tilmeld dig" in text_of(client.get(activity.url), ".signup-box")
    assert client.get(activity.url)["X-Cache"] == "HIT"
    time.sleep(2.5)
    response = client.get(activity.url)
    assert response["X-Cache"] == "MISS"
    assert "Tilmeldingen er lukket." in text_of(response, ".signup-box")


# The index


@pytest.mark.django_db
def test_index_lists_upcoming_soonest_first_then_past_newest_first(client, index):
    add_activity(index, "Om et år", days_ahead(365))
    add_activity(index, "I forgårs", days_ahead(-2))
    add_activity(index, "I næste uge", days_ahead(7))
    add_activity(index, "Sidste år", days_ahead(-365))
    add_activity(index, "I morgen", days_ahead(1))
    page = soup(client.get("/aktiviteter/"))
    groups = {
        section.h2.get_text(): [a.get_text() for a in section.select(".card__title a")]
        for section in page.select("section.activity-group")
    }
    assert groups == {
        "Kommende aktiviteter": ["I morgen", "I næste uge", "Om et år"],
        "Tidligere aktiviteter": ["I forgårs", "Sidste år"],
    }
    assert list(groups) == ["Kommende aktiviteter", "Tidligere aktiviteter"]


@pytest.mark.django_db
def test_an_activity_moves_to_the_past_when_it_ends(client, index):
    now = timezone.now()
    add_activity(index, "Snart slut", now - HOUR, now + datetime.timedelta(seconds=2))
    assert "Kommende aktiviteter" in text_of(client.get("/aktiviteter/"))
    assert client.get("/aktiviteter/")["X-Cache"] == "HIT"
    time.sleep(2.5)
    response = client.get("/aktiviteter/")
    assert response["X-Cache"] == "MISS"
    assert "Tidligere aktiviteter Snart slut" in text_of(response)


@pytest.mark.django_db
def test_index_filters_by_type_through_the_query_string(client, index):
    add_activity(index, "Temadag 1", days_ahead(3), activity_type=ActivityType.TEMADAG)
    add_activity(index, "LederForum 1", days_ahead(4), activity_type=ActivityType.LEDERFORUM)
    add_activity(index, "Akademiet", days_ahead(5), activity_type=ActivityType.FLLA)

    response = client.get("/aktiviteter/?type=lederforum")
    titles = [a.get_text() for a in soup(response).select(".card__title a")]
    assert titles == ["LederForum 1"]
    assert soup(response).title.get_text().startswith("Aktiviteter: LederForum")
    nav = soup(response).select_one("nav.filter-links")
    assert nav["aria-label"] == "Vis aktiviteter af én type"
    links = {a.get_text(): a["href"] for a in nav.select("a")}
    assert links["Alle"] == "/aktiviteter/"
    assert links["Faxe Leder & LæringsAkademi"] == "/aktiviteter/?type=flla"
    assert nav.select_one("[aria-current=page]").get_text() == "LederForum"

    flla = soup(client.get(links["Faxe Leder & LæringsAkademi"]))
    assert [a.get_text() for a in flla.select(".card__title a")] == ["Akademiet"]
    workshops = client.get("/aktiviteter/?type=workshop")
    assert "Der er ingen aktiviteter af typen Workshop." in text_of(workshops, "main")
    # An unknown type is not a listing of this site (as an unknown tag of the stories).
    unknown = client.get("/aktiviteter/?type=<script>")
    assert unknown.status_code == 404
    assert "Siden findes ikke" in text_of(unknown, "h1")


@pytest.mark.django_db
def test_index_is_paginated_with_danish_links(client, index):
    for n in range(23):
        add_activity(
            index, f"Temadag {n:02d}", days_ahead(n + 1), activity_type=ActivityType.TEMADAG
        )
    add_activity(index, "Et seminar", days_ahead(30), activity_type=ActivityType.SEMINAR)

    first = soup(client.get("/aktiviteter/"))
    assert len(first.select(".card")) == 10
    nav = first.select_one("nav.pagination[aria-label='Sider med aktiviteter']")
    assert "Side 1 af 3" in nav.get_text()
    assert nav.select_one("[aria-current=page]").get_text() == "Side 1"
    assert nav.select_one("a[rel=next]").get_text() == "Næste side"
    assert nav.select_one("a[rel=next]")["href"] == "/aktiviteter/?side=2"
    assert nav.select_one("a[rel=prev]") is None

    last = soup(client.get("/aktiviteter/?side=3"))
    assert [a.get_text() for a in last.select(".card__title a")] == [
        "Temadag 20",
        "Temadag 21",
        "Temadag 22",
        "Et seminar",
    ]
    assert last.select_one("a[rel=prev]").get_text() == "Forrige side"
    assert "24 aktiviteter, viser 21-24." in last.select_one(".listing-status").get_text()

    # The type filter carries over to the page links.
    filtered = soup(client.get("/aktiviteter/?type=temadag&side=2"))
    assert filtered.select_one("a[rel=next]")["href"] == "/aktiviteter/?type=temadag&side=3"
    # Pages that do not exist are the site's 404 page (tests/test_listings.py has them all).
    assert client.get("/aktiviteter/?side=4").status_code == 404


@pytest.mark.django_db
def test_index_is_cached_and_renewed_when_an_activity_is_published(client, index):
    client.get("/aktiviteter/")
    assert client.get("/aktiviteter/")["X-Cache"] == "HIT"
    add_activity(index, "Ny workshop", days_ahead(3))
    response = client.get("/aktiviteter/")
    assert response["X-Cache"] == "MISS" and "Ny workshop" in text_of(response)
    assert not response.cookies


@pytest.mark.django_db
def test_other_pages_get_the_next_activities_soonest_first(index):
    add_activity(index, "Om en måned", days_ahead(30))
    add_activity(index, "I går", days_ahead(-1))
    add_activity(index, "I morgen", days_ahead(1))
    add_activity(index, "Om en uge", days_ahead(7))
    add_activity(index, "Kladde", days_ahead(2)).unpublish()
    assert [a.title for a in upcoming_activities()] == ["I morgen", "Om en uge", "Om en måned"]
    assert [a.title for a in upcoming_activities(limit=1)] == ["I morgen"]


@pytest.mark.django_db
def test_index_queries_stay_within_the_budget_for_1_and_30_activities(
    client, index, django_assert_max_num_queries
):
    def grow(numbers):
        for n in numbers:
            add_activity(
                index, f"Aktivitet {n}", days_ahead(n - 10), introduction="Om aktiviteten."
            )

    grow(range(1))
    with_one = uncached_queries(client, "/aktiviteter/", django_assert_max_num_queries, index)
    grow(range(1, 30))
    assert uncached_queries(client, "/aktiviteter/", django_assert_max_num_queries, index) == (
        with_one
    )
    filtered = "/aktiviteter/?type=temadag&side=2"
    assert uncached_queries(client, filtered, django_assert_max_num_queries, index) == with_one


@pytest.mark.django_db
def test_showcase_pages_render_within_the_budget(
    client, seeded, image, django_assert_max_num_queries
):
    pages = build(image)
    assert set(pages) == {"activity_index", "activity", "full_activity", "one_seat_activity"}
    for page in pages.values():
        if page.slug in ("aktiviteter", "eksempeltemadag"):
            saved = type(page).objects.get(pk=page.pk)
            assert {block.block_type for block in saved.body} == set(BodyBlock.base_blocks)
        uncached_queries(client, page.url, django_assert_max_num_queries, page)
    for url in extra_urls(pages).values():  # the sign-up form, its receipt, the cancel page
        with django_assert_max_num_queries(BUDGET):
            assert client.get(url).status_code == 200
