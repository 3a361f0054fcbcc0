"""A full activity says so before anyone fills in the form: on its page and on its card in the
listings (Aktiviteter, the home page), and no longer once a seat frees up or the sign-up
closes, however long the pages have been in the page cache."""

import datetime
import time

import pytest
from django.test import Client
from django.utils import timezone

from activities.signups import SignUp, cancel
from tests.support.html import soup, text_of
from tests.support.showcase_activities import add_activity, days_ahead, sign_up

FULL = "Fuldt booket – skriv dig på ventelisten."


def card(client, url: str, title: str) -> str:
    """The text of the activity's card on the page at `url`."""
    for item in soup(client.get(url)).select("li.card"):
        if item.select_one(".card__title").get_text(strip=True) == title:
            return " ".join(item.get_text(" ").split())
    raise AssertionError(f"no card for {title} on {url}")


def fill(activity, seats: int) -> None:
    for n in range(seats):
        assert sign_up(Client(), activity, email=f"person{n}@faxekommune.dk").status_code == 302


@pytest.mark.django_db
def test_a_full_activity_says_so_on_its_page_and_its_cards_until_a_seat_frees(client, temadag):
    places = [temadag.url, "/aktiviteter/", "/"]
    for url in places:
        assert client.get(url)["X-Cache"] == "MISS"
        assert client.get(url)["X-Cache"] == "HIT"
    assert FULL not in card(client, "/aktiviteter/", temadag.title)

    fill(temadag, 2)  # the two seats
    assert FULL in text_of(client.get(temadag.url), ".signup-box")
    assert FULL in card(client, "/aktiviteter/", temadag.title)
    assert FULL in card(client, "/", temadag.title)
    # The sign-up form says it too, above the form.
    assert FULL in text_of(client.get(temadag.signup_url()), "main")

    # Someone on the waiting list does not change it; a cancellation with nobody waiting does.
    sign_up(Client(), temadag, email="venter@faxekommune.dk")
    first = SignUp.objects.filter(activity=temadag).order_by("created").first()
    cancel(first.pk, temadag.pk)
    assert FULL in card(client, "/aktiviteter/", temadag.title), "the waiting one took the seat"
    second = SignUp.objects.filter(activity=temadag).order_by("created").first()
    cancel(second.pk, temadag.pk)
    for url in places:
        response = client.get(url)
        assert response["X-Cache"] == "MISS"
        assert FULL not in text_of(response, "main"), url
    assert "Der er 1 ledig plads ud af 2." in text_of(client.get(temadag.url), ".signup-box")


@pytest.mark.django_db
def test_only_open_activities_with_limited_seats_are_called_full(client, index):
    # Far enough ahead for the set-up on a busy machine; the test waits for it.
    deadline = timezone.now() + datetime.timedelta(seconds=10)
    closing = add_activity(
        index,
        "Frist om lidt",
        days_ahead(3),
        signup_enabled=True,
        capacity=1,
        signup_deadline=deadline,
    )
    unlimited = add_activity(index, "Uden grænse", days_ahead(4), signup_enabled=True)
    no_signup = add_activity(index, "Uden tilmelding", days_ahead(5), capacity=1)
    fill(closing, 1)
    fill(unlimited, 3)
    assert FULL in card(client, "/aktiviteter/", "Frist om lidt")
    assert FULL not in card(client, "/aktiviteter/", "Uden grænse")
    assert FULL not in card(client, "/aktiviteter/", "Uden tilmelding")
    assert no_signup.signups.count() == 0

    # When the sign-up closes, the cached listing shows it without anyone editing.
    assert client.get("/aktiviteter/")["X-Cache"] == "HIT"
    time.sleep(max((deadline - timezone.now()).total_seconds(), 0) + 1.5)
    response = client.get("/aktiviteter/")
    assert response["X-Cache"] == "MISS"
    assert FULL not in card(client, "/aktiviteter/", "Frist om lidt")
