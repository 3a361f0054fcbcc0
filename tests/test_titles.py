"""A page's title is one line, however it was typed or posted: it ends up in a mail's subject,
the tab's title, file names, the calendar and JSON-LD. And a saved sign-up always gets its
receipt, whatever the confirmation mail runs into."""

import json
import logging

import pytest
from django.core import mail
from django.test import Client
from icalendar import Calendar

from activities.models import ActivityPage
from activities.signups import SignUp
from pages.models import ContentPage
from tests.support.editor_posts import page_edit_data
from tests.support.html import soup, text_of
from tests.support.showcase_activities import sign_up as sign_up_with

POSTED_TITLE = "Temadag\r\nom samskabelse\t\x07\u2028i Haslev\n"
ONE_LINE = "Temadag om samskabelse i Haslev"


@pytest.fixture
def activity(temadag):
    """An activity open for sign-up (conftest's temadag)."""
    return temadag


def sign_up(activity, email="meha@faxekommune.dk"):
    return sign_up_with(Client(), activity, email=email)


@pytest.mark.django_db
def test_a_title_posted_with_line_breaks_is_saved_as_one_line(procesleder_client, activity):
    data = page_edit_data(
        procesleder_client,
        activity,
        title=POSTED_TITLE,
        seo_title="Temadag\r\n– Faxe",
        signup_enabled="on",  # as the browser posts the ticked box
        **{"action-publish": "action-publish"},
    )
    response = procesleder_client.post(f"/admin/pages/{activity.pk}/edit/", data)
    assert response.status_code == 302

    saved = ActivityPage.objects.get(pk=activity.pk)
    assert (saved.title, saved.draft_title, saved.seo_title) == (
        ONE_LINE,
        ONE_LINE,
        "Temadag – Faxe",
    )
    assert saved.get_latest_revision_as_object().title == ONE_LINE

    # Where the title goes: the sign-up's mail, the page, its calendar file and JSON-LD.
    answer = sign_up(saved)
    assert answer.status_code == 302 and "kvittering=" in answer["Location"]
    assert [message.subject for message in mail.outbox] == [f"Tilmelding: {ONE_LINE}"]
    page = soup(Client().get(saved.url))
    assert page.h1.get_text(strip=True) == ONE_LINE
    event = next(
        data
        for data in (
            json.loads(s.string) for s in page.find_all("script", type="application/ld+json")
        )
        if data["@type"] == "Event"
    )
    assert event["name"] == ONE_LINE
    calendar = Calendar.from_ical(Client().get(saved.calendar_url()).content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == [ONE_LINE]


@pytest.mark.django_db
def test_a_title_of_nothing_but_line_breaks_is_refused_in_danish(procesleder_client, seeded):
    baggrund = seeded["baggrund"]
    data = page_edit_data(procesleder_client, baggrund, title="\r\n\t\r\n")
    response = procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", data)
    assert response.status_code == 200
    assert "Dette felt er påkrævet." in response.content.decode()
    assert ContentPage.objects.get(pk=baggrund.pk).draft_title == "Baggrund"


@pytest.mark.django_db
def test_an_old_title_with_a_line_break_still_gives_a_receipt_and_a_mail(activity):
    # As a title saved before titles were kept to one line.
    ActivityPage.objects.filter(pk=activity.pk).update(title="Temadag\r\nom samskabelse")
    activity.refresh_from_db()

    answer = sign_up(activity)

    assert answer.status_code == 302
    assert SignUp.objects.filter(activity=activity).count() == 1
    assert [message.subject for message in mail.outbox] == ["Tilmelding: Temadag om samskabelse"]


@pytest.mark.django_db
def test_a_mail_server_that_is_down_leaves_the_sign_up_saved_and_the_receipt_shown(
    activity, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    with caplog.at_level(logging.WARNING):
        answer = sign_up(activity)

    assert answer.status_code == 302
    receipt = text_of(Client().get(answer["Location"]), "main")
    assert "Tak for din tilmelding" in receipt
    # The mail leaves after the answer (mail/tasks.py): the receipt promises it, no more.
    assert "Vi sender en bekræftelse til meha@faxekommune.dk." in receipt
    assert "Vi har sendt" not in receipt
    assert SignUp.objects.filter(activity=activity, email="meha@faxekommune.dk").exists()
    [failure] = [r for r in caplog.records if "confirmation" in r.getMessage()]
    # The mail server, not a fault of the site: no traceback. Given up at once, as the test
    # settings' backend cannot wait to try again (tests/test_mail_tasks.py: the real queue).
    assert failure.exc_info is None and "ConnectionRefusedError" in failure.getMessage()
