"""Signing up for an activity: the form on its own address, the seats and the waiting list, the
confirmation, the refusals, and what the procesleder does with the sign-ups."""

import datetime
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.utils import timezone

from activities.forms import SignUpForm, issue_token
from activities.models import ActivityPage
from activities.signups import SignUp
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.showcase_activities import (
    activity_index,
    add_activity,
    at,
    days_ahead,
    open_for_sign_up_until,
    sign_up,
)

HOUR = datetime.timedelta(hours=1)
DAY = datetime.timedelta(days=1)


# The sign-up


@pytest.mark.django_db
def test_sign_up_form_lives_on_its_own_address_sets_no_cookie_and_is_cached(client, temadag):
    response = client.get(temadag.signup_url())
    assert response.status_code == 200
    assert not response.cookies and not client.cookies, "the form sets no cookie"
    assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
    form = soup(response).select_one("form.signup-form")
    assert form["method"] == "post" and form["action"] == temadag.signup_url()
    labels = [label.get_text() for label in form.select("label")]
    assert labels[:4] == ["Navn", "Arbejdsmail", "Arbejdsplads", "Kommentar (valgfri)"]
    privacy = text_of(response, ".privacy")
    assert "til tilmeldingen og til intet andet" in privacy
    assert "Vi sletter din tilmelding 30 dage efter aktiviteten." in privacy
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is None

    again = client.get(temadag.signup_url())
    assert again["X-Cache"] == "HIT" and again.content == response.content
    assert not again.cookies and not client.cookies


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
    # The mail is queued, not yet sent, when the receipt is shown: it promises no more.
    assert "Vi sender en bekræftelse til person2@faxekommune.dk." in text_of(thanks, "main")

    confirmed = client.get(sign_up(client, temadag, email="ny@faxekommune.dk")["Location"])
    assert soup(confirmed).h1.get_text() == "Du står på ventelisten"
    # A receipt cannot be made up.
    forged = client.get(f"{temadag.url}tilmelding/tak/?kvittering=1")
    assert forged.status_code == 200
    assert "Vi sender en bekræftelse til" not in text_of(forged, "main")


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
            form = SignUpForm({**data, "token": issue_token(activity)}, activity=activity)
            assert form.is_valid()
            result[letter] = form.save()
        assert result["A"].status == SignUp.Status.CONFIRMED
        assert result["B"].status == SignUp.Status.WAITING
        return

    def second_person():
        try:
            data = {"name": "B", "email": "b@faxe.dk", "workplace": "X"}
            form = SignUpForm({**data, "token": issue_token(activity)}, activity=activity)
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
def test_no_sign_up_after_the_deadline_or_when_sign_up_is_off(client, index):
    closed = open_for_sign_up_until(index, "Lukket temadag", timezone.now() - HOUR)
    assert "Tilmeldingen er lukket." in text_of(client.get(closed.url), ".signup-box")
    response = sign_up(client, closed)
    assert response.status_code == 200
    assert "Tilmeldingen er lukket." in text_of(response, "main")
    assert soup(response).select_one("form.signup-form") is None

    without = add_activity(index, "Åbent seminar", days_ahead(5))
    assert client.get(without.signup_url()).status_code == 404
    assert sign_up(client, without).status_code == 404
    assert not SignUp.objects.exists()


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
    assert "torsdag 10. oktober 2030, kl. 9.00–15.30" in page
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
def test_procesleder_lists_and_filters_the_sign_ups(procesleder_client, index, temadag):
    other = add_activity(index, "Seminar om ledelse", days_ahead(20), signup_enabled=True)
    for activity, name in ((temadag, "Mette Hansen"), (temadag, "Jens Jensen"), (other, "Ida")):
        sign_up(Client(), activity, name=name, email=f"{name.split()[0].lower()}@faxekommune.dk")

    menu = procesleder_client.get("/admin/").content.decode()
    assert "Tilmeldinger" in menu
    listing = procesleder_client.get(f"/admin/tilmeldinger/?activity={temadag.pk}")
    assert listing.status_code == 200
    rows = text_of(listing, "table tbody")
    assert "Mette Hansen" in rows and "Jens Jensen" in rows and "Ida" not in rows


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
