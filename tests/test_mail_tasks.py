"""E-mails leave the request (mail/tasks.py): the sign-up only queues its confirmation, in the
site's database, and the worker (django-tasks-db's db_worker for the "mail" backend) sends it
to a real mail server on loopback. A mail server that never answers does not slow a sign-up; one
that refuses gets the mail again later, until it takes it, once; a rolled-back sign-up queues
nothing; two workers send a queued mail once; a review reminder given up is given back.

The test settings send e-mails at once (the immediate backend); these tests put the database
queue in its place, as production and make run have it."""

import datetime
import logging
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.test import TestCase
from django.utils import timezone
from django_tasks import task_backends
from django_tasks.utils import get_random_id
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page

from activities import signups
from activities.signups import SignUp, cancel, send_mail_later
from faxeif.logs import Formatter
from mail.tasks import ATTEMPTS, RETRY_MINUTES
from review.models import PageReview
from tests.support.concurrency import at_once
from tests.support.databases import seeded_site
from tests.support.html import text_of
from tests.support.mail import SMTPServer, sent_mail
from tests.support.processes import (
    BASE_DIR,
    run_manage,
    shell_result,
    start_gunicorn,
    stop_gunicorn,
)
from tests.support.showcase_activities import activity_index, add_activity, days_ahead, sign_up
from tests.support.visitors import FormVisitor

ONE_BATCH = ("--batch", "--no-startup-delay", "--no-reload")
DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "mail": {"BACKEND": "django_tasks_db.DatabaseBackend"},
}


@pytest.fixture
def queue(settings, monkeypatch):
    """The database queue for e-mails, as in production. Two things the worker does for a
    process of its own would end the test's transaction, in which the worker runs here: its
    check of the database connection between tasks, and (SQLite) its BEGIN EXCLUSIVE. The
    test's transaction holds the database already."""
    settings.TASKS = DATABASE_QUEUE
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)
    monkeypatch.setattr(db_worker, "exclusive_transaction", transaction.atomic)
    assert isinstance(task_backends["mail"], DatabaseBackend)


@pytest.fixture
def smtp(settings):
    """A real mail server on loopback that the site's smtp backend talks to."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
            "127.0.0.1",
            server.port,
            1,
        )
        yield server


def run_worker() -> None:
    """`manage.py db_worker --backend mail --batch`: send what is due, then stop."""
    db_worker.Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="mail",
        startup_delay=False,
        max_tasks=None,
        worker_id=get_random_id(),
    ).run()


def time_passes() -> None:
    """The attempts queued to run later are due now."""
    DBTaskResult.objects.filter(status="READY").update(run_after=timezone.now())


def waiting() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status="READY"))


def recipients(smtp) -> list[str]:
    return [message["To"] for message in smtp.messages()]


@pytest.mark.django_db
def test_a_mail_server_that_never_answers_does_not_slow_a_sign_up(
    client, temadag, queue, smtp, caplog
):
    smtp.mode = "silent"
    started = time.monotonic()
    answer = sign_up(client, temadag, email="anna@faxekommune.dk")
    assert time.monotonic() - started < 1.0
    assert answer.status_code == 302
    assert SignUp.objects.filter(activity=temadag, email="anna@faxekommune.dk").exists()
    receipt = text_of(client.get(answer["Location"]), "main")
    assert "Vi sender en bekræftelse til anna@faxekommune.dk." in receipt
    # Queued with what it is about, and nothing of the person's.
    [queued] = waiting()
    assert queued.task_path == "mail.tasks.send"
    assert "anna" not in str(queued.args_kwargs) and "Haslev" not in str(queued.args_kwargs)

    # The worker waits for the mail server (EMAIL_TIMEOUT), not the visitor.
    with caplog.at_level(logging.WARNING):
        run_worker()
    [later] = waiting()
    assert later.run_after > timezone.now()
    assert "timed out" in caplog.text and "trying again in 1 min" in caplog.text


@pytest.mark.django_db
def test_a_refused_mail_is_tried_again_later_and_sent_once(client, temadag, queue, smtp, caplog):
    smtp.mode = "refuse"
    answer = sign_up(client, temadag, email="bo@faxekommune.dk", name="Bo")
    assert answer.status_code == 302 and temadag.signups.get().name == "Bo"

    with caplog.at_level(logging.WARNING):
        before = timezone.now()
        run_worker()
    [warning] = caplog.records
    assert (warning.name, warning.levelname) == ("activities.signups", "WARNING")
    assert warning.getMessage().startswith(
        f"Could not send the confirmation of sign-up {temadag.signups.get().pk} "
        f"(attempt 1 of {ATTEMPTS}, trying again in 1 min): SMTPRecipientsRefused"
    )
    # The server named the address in its refusal; the site's log blanks it out.
    assert "bo@faxekommune.dk" not in Formatter().format(warning)
    [later] = waiting()
    assert later.run_after >= before + datetime.timedelta(minutes=RETRY_MINUTES[0])
    run_worker()  # not yet due: nothing happens
    assert smtp.received == [] and waiting() == [later]

    smtp.mode = "accept"
    time_passes()
    run_worker()
    time_passes()
    run_worker()
    [message] = smtp.messages()
    assert message["To"] == "bo@faxekommune.dk"
    assert message["Subject"] == "Tilmelding: Temadag om samskabelse"
    assert waiting() == []


@pytest.mark.django_db
def test_a_mail_refused_every_time_is_given_up_with_an_error(temadag, queue, smtp, caplog):
    smtp.mode = "refuse"
    signup = SignUp.objects.create(activity=temadag, name="C", email="c@faxe.dk", workplace="X")
    with TestCase.captureOnCommitCallbacks(execute=True):
        send_mail_later(signup, "confirmation")
    with caplog.at_level(logging.WARNING):
        for _ in range(ATTEMPTS):
            time_passes()
            run_worker()
    levels = [record.levelname for record in caplog.records]
    assert levels == ["WARNING"] * (ATTEMPTS - 1) + ["ERROR"]
    assert f"(attempt {ATTEMPTS}, given up)" in caplog.records[-1].getMessage()
    assert caplog.records[-1].exc_info is None  # the mail server's fault, not the site's
    assert waiting() == [] and smtp.received == []


@pytest.mark.django_db
def test_the_mail_is_composed_when_it_is_sent(client, temadag, queue, smtp):
    """A sign-up cancelled before its confirmation went out gets none; an activity renamed
    meanwhile is named as it is now."""
    sign_up(client, temadag, email="anna@faxekommune.dk")
    sign_up(client, temadag, email="bo@faxekommune.dk")
    anna = temadag.signups.get(email="anna@faxekommune.dk")
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert cancel(anna.pk, temadag.pk)
    Page.objects.filter(pk=temadag.pk).update(title="Temadag om fællesskab")
    run_worker()
    assert recipients(smtp) == ["bo@faxekommune.dk"]
    assert smtp.messages()[0]["Subject"] == "Tilmelding: Temadag om fællesskab"
    assert waiting() == []


@pytest.mark.django_db
def test_a_fault_of_the_site_is_logged_with_its_traceback_and_not_tried_again(
    temadag, queue, smtp, caplog, monkeypatch
):
    monkeypatch.setitem(signups.MAIL_TEMPLATES, "confirmation", "findes/ikke.txt")
    signup = SignUp.objects.create(activity=temadag, name="D", email="d@faxe.dk", workplace="X")
    with TestCase.captureOnCommitCallbacks(execute=True):
        send_mail_later(signup, "confirmation")
    with caplog.at_level(logging.WARNING):
        run_worker()
    [error] = caplog.records
    assert error.levelname == "ERROR" and error.exc_info[0].__name__ == "TemplateDoesNotExist"
    assert waiting() == [] and smtp.received == []


@pytest.mark.django_db
def test_a_rolled_back_sign_up_queues_nothing(temadag, queue, smtp):
    with TestCase.captureOnCommitCallbacks(execute=True) as callbacks:
        with pytest.raises(DatabaseError), transaction.atomic():
            signup = SignUp.objects.create(
                activity=temadag, name="E", email="e@faxe.dk", workplace="X"
            )
            send_mail_later(signup, "confirmation")
            raise DatabaseError("the sign-up's transaction fails after the mail was asked for")
    assert callbacks == []
    assert DBTaskResult.objects.count() == 0
    run_worker()
    assert smtp.received == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_queue_that_cannot_be_written_leaves_the_sign_up_and_says_so(
    client, temadag, queue, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise DatabaseError("the queue's table cannot be written")

    # As in a real request (no test transaction around it), the mail is queued as the sign-up
    # commits, before the answer: the receipt knows.
    monkeypatch.setattr(DatabaseBackend, "enqueue", refuse)
    with caplog.at_level(logging.WARNING):
        answer = sign_up(client, temadag, email="frida@faxekommune.dk")
    assert answer.status_code == 302 and temadag.signups.count() == 1
    receipt = text_of(client.get(answer["Location"]), "main")
    assert "Vi kunne ikke sende en bekræftelse til frida@faxekommune.dk lige nu." in receipt
    assert "Could not queue the confirmation of sign-up" in caplog.text


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_workers_at_the_same_moment_send_each_mail_once(seeded, settings):
    """Two workers take mails from the same queue at the same moment, each from its own
    database connection, against a mail server that takes a moment per message."""
    settings.TASKS = DATABASE_QUEUE
    settings.EMAIL_BACKEND = "tests.support.mail.SlowEmailBackend"
    activity = add_activity(activity_index(), "Fyraftensmøde", days_ahead(5), signup_enabled=True)
    for n in range(6):
        signup = SignUp.objects.create(
            activity=activity, name=f"P{n}", email=f"p{n}@faxe.dk", workplace="X"
        )
        send_mail_later(signup, "confirmation")
    assert len(waiting()) == 6
    errors = [result for result in at_once(run_worker, run_worker) if isinstance(result, Exception)]
    assert errors == []
    # SQLite lets one worker at a time look at the queue; one that found it busy stops its
    # batch early (a running worker would look again a second later): the rest goes now.
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == [f"p{n}@faxe.dk" for n in range(6)]
    assert waiting() == []


# Review reminders: claimed once per review date when queued; given back when given up.


@pytest.mark.django_db
def test_a_review_reminder_is_retried_and_given_back_when_given_up(
    seeded, procesleder, queue, smtp, caplog
):
    procesleder.email = "procesleder@faxekommune.dk"
    procesleder.save()
    baggrund = seeded["baggrund"]
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    PageReview.objects.update_or_create(
        page_id=baggrund.pk, defaults={"due": yesterday, "reminded_for": None}
    )
    Page.objects.filter(pk=baggrund.pk).update(owner=procesleder)

    def remind():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("send_review_reminders")

    smtp.mode = "refuse"
    remind()
    remind()  # claimed: not queued twice
    assert len(waiting()) == 1
    assert PageReview.objects.get(page_id=baggrund.pk).reminded_for == yesterday
    with caplog.at_level(logging.WARNING):
        for _ in range(ATTEMPTS):
            time_passes()
            run_worker()
            remind()  # the scheduler runs meanwhile: still claimed, nothing new
    assert [r.levelname for r in caplog.records] == ["WARNING"] * (ATTEMPTS - 1) + ["ERROR"]
    assert "given up; the next run tries again" in caplog.records[-1].getMessage()
    assert caplog.records[-1].name == "review.reminders"

    # Given back after the last attempt; the scheduler's next run queued it again.
    assert len(waiting()) == 1
    smtp.mode = "accept"
    run_worker()
    remind()
    run_worker()
    [message] = smtp.messages()
    assert message["To"] == "procesleder@faxekommune.dk" and "Baggrund" in message.get_content()
    assert PageReview.objects.get(page_id=baggrund.pk).reminded_for == yesterday


# A served site and its worker, each in processes of their own, as make run and production run.

SIGNUP_FORM = """
from tests.support.showcase_activities import days_ahead, publish_activity
print(publish_activity("Fyraftensmøde", "fyraftensmoede", days_ahead(20), signup_enabled=True)
      .signup_url())
"""


def test_a_served_sign_up_only_queues_and_two_workers_send_it_once(tmp_path):
    with seeded_site(tmp_path) as env:
        env = {**env, "MAIL_QUEUE": "database"}
        form_path = shell_result(env, SIGNUP_FORM)
        server, base_url = start_gunicorn(env, workers=2)
        try:
            visitor = FormVisitor(base_url + form_path)
            started = time.monotonic()
            answer = visitor.post(
                {"name": "Gitte", "email": "gitte@faxekommune.dk", "workplace": "Faxe"}
            )
            assert time.monotonic() - started < 1.0
        finally:
            stop_gunicorn(server)
        assert answer.status == 302, answer.text
        assert sent_mail(env["EMAIL_FILE_PATH"]) == []  # queued, not sent

        # Two workers at the same moment (then one more, as a running worker looks again).
        worker = [sys.executable, "manage.py", "db_worker", "--backend", "mail", *ONE_BATCH]
        workers = [subprocess.Popen(worker, cwd=BASE_DIR, env=env) for _ in range(2)]
        assert [process.wait(timeout=120) for process in workers] == [0, 0]
        run_manage(env, *worker[2:]).check_returncode()
        [confirmation] = sent_mail(env["EMAIL_FILE_PATH"])
        assert confirmation.to == ["gitte@faxekommune.dk"]
        assert confirmation.subject == "Tilmelding: Fyraftensmøde"
