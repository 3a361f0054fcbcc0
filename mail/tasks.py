"""The one task that sends the site's e-mails (sign-up confirmations, seat mails, review
reminders), on the django-tasks backend "mail" (settings.TASKS): a queue in the site's database
that `manage.py db_worker --backend mail` works through. The request only queues, after its
commit, so a slow or broken mail server never slows or breaks a sign-up, and a sign-up that is
rolled back sends nothing.

The mail is composed when it is sent, not when it is queued. The queue holds what the mail is
about (ids) and the dotted path of the function that composes it (`compose`, in the app that
owns the mail); the worker calls it. So a sign-up cancelled or deleted before its mail goes out
gets no mail, the mail shows the activity as it is when it leaves, and the queue's table holds
no address, name or text of anybody's: nothing of a person outlives their sign-up there.

A mail server that fails (down, refusing, too slow: OSError, which SMTPException is) is tried
again later, after RETRY_MINUTES, by queuing the mail anew to run then; each failure is a
warning in the log, the last one an error. A fault of the site's own (a template that does not
render) is logged with its traceback and not tried again: trying again would fail the same way.
A mail given up calls its `give_back` (review reminders: the next run of the scheduler tries
again). A backend that cannot wait (the immediate one of the test settings) gets one attempt.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus, task

BACKEND = "mail"
# Minutes to wait before the second, third, ... attempt: the last about ten hours after the first.
RETRY_MINUTES = (1, 5, 30, 120, 480)
ATTEMPTS = len(RETRY_MINUTES) + 1

# What a run of the task did (its return value, kept with the task's row).
SENT, NOTHING_TO_SEND, TRYING_AGAIN, GIVEN_UP = (
    "sent",
    "nothing to send",
    "trying again",
    "given up",
)


def send_later(compose: str, args: list, what: str, give_back: str | None = None) -> bool:
    """Queue the e-mail that `compose(*args)` makes (an EmailMessage, or None when there is no
    longer anything to send), once the current transaction commits: at once outside one, never
    when it rolls back. `what` names it in the log, without any address (e.g. "confirmation of
    sign-up 12"); `give_back(*args)` is called when it is given up. False when it is known now
    that the mail will not go out: the queue refused it, or (a backend that sends at once) it
    failed for good. The arguments must be JSON: ids, strings, numbers, lists."""
    outcome = []
    transaction.on_commit(lambda: outcome.append(_enqueue(compose, args, what, give_back)))
    return outcome[0] if outcome else True


def _enqueue(compose, args, what, give_back, attempt=1, run_after=None) -> bool:
    queued = send if run_after is None else send.using(run_after=run_after)
    try:
        result = queued.enqueue(compose, args, what, give_back, attempt)
    except Exception:
        # The queue's table cannot be written (the database is away): nothing will send it.
        _logger(compose).exception("Could not queue the %s", what)
        _give_back(give_back, args)
        return False
    if result.status == TaskResultStatus.SUCCESSFUL:  # sent at once (the immediate backend)
        return result.return_value in (SENT, NOTHING_TO_SEND, TRYING_AGAIN)
    return result.status != TaskResultStatus.FAILED


@task(backend=BACKEND)
def send(compose: str, args: list, what: str, give_back: str | None = None, attempt: int = 1):
    """One attempt at sending one e-mail; see the module's description."""
    log = _logger(compose)
    try:
        message = import_string(compose)(*args)
        if message is None:
            return NOTHING_TO_SEND
        message.send()
    except OSError as error:  # the mail server: down, refusing, too slow (SMTPException)
        return _failed(compose, args, what, give_back, attempt, error)
    except Exception:
        # A fault of the site's own: logged with its traceback; it would fail the same way again.
        log.exception("Could not send the %s (%s)", what, _given_up(give_back))
        _give_back(give_back, args)
        return GIVEN_UP
    return SENT


def _failed(compose, args, what, give_back, attempt, error) -> str:
    log = _logger(compose)
    reason = f"{type(error).__name__}: {' '.join(str(error).split())}"
    if attempt < ATTEMPTS and send.get_backend().supports_defer:
        wait = RETRY_MINUTES[attempt - 1]
        run_after = timezone.now() + datetime.timedelta(minutes=wait)
        if _enqueue(compose, args, what, give_back, attempt + 1, run_after):
            log.warning(
                "Could not send the %s (attempt %s of %s, trying again in %s min): %s",
                *(what, attempt, ATTEMPTS, wait, reason),
            )
            return TRYING_AGAIN
        return GIVEN_UP  # the queue refused the next attempt, and said so
    log.error(
        "Could not send the %s (attempt %s, %s): %s", what, attempt, _given_up(give_back), reason
    )
    _give_back(give_back, args)
    return GIVEN_UP


def _given_up(give_back) -> str:
    return "given up; the next run tries again" if give_back else "given up"


def _give_back(give_back, args) -> None:
    if give_back:
        import_string(give_back)(*args)


def _logger(compose: str) -> logging.Logger:
    """The log of the module that composes the mail: "activities.signups: Could not send..."."""
    return logging.getLogger(compose.rpartition(".")[0])
