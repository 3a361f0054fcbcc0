"""Reminders of pages due for review (manage.py send_review_reminders, which the scheduler runs
every minute in make run and every morning in production): one Danish e-mail per owner listing
their due pages with links to edit them, once per review date however often it runs, also when
two schedulers run it at the same moment; a mail server that is down leaves the reminder for
the next run and stops nothing."""

import datetime
import logging

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page

from review.models import PageReview
from tests.support.concurrency import at_once
from tests.support.processes import free_port


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def set_due(page, date, owner=None) -> None:
    PageReview.objects.update_or_create(
        page_id=page.pk, defaults={"due": date, "reminded_for": None}
    )
    Page.objects.filter(pk=page.pk).update(owner=owner)


@pytest.fixture
def owner(procesleder):
    procesleder.email = "procesleder@faxekommune.dk"
    procesleder.save()
    return procesleder


def remind() -> None:
    """The command, and the mail it queues after its commit (in a test's transaction, which
    never commits, when the command is done): the test settings send it at once."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("send_review_reminders")


@pytest.mark.django_db
def test_the_owner_gets_one_danish_mail_per_due_date(seeded, owner):
    baggrund, faser = seeded["baggrund"], seeded["faser"]
    set_due(baggrund, days(-3), owner=owner)
    set_due(faser, days(0), owner=owner)
    set_due(seeded["kontakt"], days(1), owner=owner)  # not yet

    remind()
    remind()  # the scheduler runs again a minute later: nothing new
    [message] = mail.outbox
    assert message.to == ["procesleder@faxekommune.dk"]
    assert message.subject == "Sider på Faxe i Fællesskab skal gennemgås"
    body = message.body
    assert body.startswith("Hej Proces\n\nDisse sider på Faxe i Fællesskab skal gennemgås")
    assert f"- Baggrund: skulle have været gennemgået {days(-3):%d.%m.%Y}" in body
    assert f"  Rediger siden: http://testserver/admin/pages/{baggrund.pk}/edit/" in body
    assert "- Faser: skal gennemgås i dag" in body
    assert f"http://testserver/admin/pages/{faser.pk}/edit/" in body
    assert "Kontakt" not in body
    assert '"Marker som gennemgået"' in body and "om 12 måneder" in body
    assert "Alle sider til gennemgang: http://testserver/admin/review/" in body

    # Reviewed, then due again (a year later): a new date, a new reminder.
    set_due(baggrund, days(0), owner=owner)
    remind()
    assert len(mail.outbox) == 2 and "Baggrund" in mail.outbox[1].body
    assert "Faser" not in mail.outbox[1].body


@pytest.mark.django_db
def test_pages_without_an_active_owner_remind_the_procesleder_group(
    seeded, owner, django_user_model
):
    colleague = django_user_model.objects.create_user(
        "kollega", email="kollega@faxekommune.dk", first_name="Kollega"
    )
    colleague.groups.add(Group.objects.get(name="Procesleder"))
    former = django_user_model.objects.create_user(
        "tidligere", email="tidligere@faxekommune.dk", is_active=False
    )
    set_due(seeded["baggrund"], days(-1))  # no owner
    set_due(seeded["faser"], days(-1), owner=former)  # an owner who has left
    unpublished = seeded["phases"][0]
    set_due(unpublished, days(-1))
    Page.objects.filter(pk=unpublished.pk).update(live=False)  # not public: nothing to review

    remind()
    [message] = mail.outbox
    assert sorted(message.to) == ["kollega@faxekommune.dk", "procesleder@faxekommune.dk"]
    assert message.body.startswith("Hej\n")
    assert "Baggrund" in message.body and "Faser" in message.body
    assert unpublished.title not in message.body


@pytest.mark.django_db
def test_a_mail_server_that_is_down_leaves_the_reminder_for_the_next_run(
    seeded, owner, settings, caplog
):
    set_due(seeded["baggrund"], days(-1), owner=owner)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    with caplog.at_level(logging.WARNING, logger="review.reminders"):
        remind()  # no exception: the scheduler goes on
    [record] = caplog.records
    assert "Could not send the review reminder" in record.getMessage()
    assert "ConnectionRefusedError" in record.getMessage()
    assert PageReview.objects.get(page_id=seeded["baggrund"].pk).reminded_for is None

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    remind()  # the server is back
    assert len(mail.outbox) == 1 and "Baggrund" in mail.outbox[0].body


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_schedulers_at_the_same_moment_send_one_mail(seeded, owner, settings):
    """Two runs start together and each takes half a second to hand its mail over: the first
    to claim the page sends it, the other finds it claimed. (Without the claim both read the
    page as due before either had sent: two mails.)"""
    settings.EMAIL_BACKEND = "tests.support.mail.SlowEmailBackend"
    set_due(seeded["baggrund"], days(-1), owner=owner)
    errors = [result for result in at_once(remind, remind) if isinstance(result, Exception)]
    assert errors == []
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_without_procesleders_to_mail_the_superusers_are_reminded_or_it_is_logged_once(
    seeded, procesleder, django_user_model, caplog
):
    set_due(seeded["baggrund"], days(-1), owner=procesleder)  # an owner without an address
    with caplog.at_level(logging.WARNING, logger="review.reminders"):
        remind()
        remind()
    assert mail.outbox == []
    assert [r.getMessage() for r in caplog.records] == [
        f"Nobody with an e-mail address to remind of page {seeded['baggrund'].pk}"
    ]

    django_user_model.objects.create_superuser("admin", "admin@faxekommune.dk", "x")
    set_due(seeded["faser"], days(-1))
    remind()
    [message] = mail.outbox
    assert message.to == ["admin@faxekommune.dk"] and "Faser" in message.body
