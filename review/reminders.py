"""Reminders of pages whose review date has come (manage.py send_review_reminders, run by the
site's scheduler): one Danish e-mail per owner listing their due pages, once per review date.

Who is reminded: the page's owner, when they are active and have an e-mail address; otherwise
(no owner, or one who has left) every active member of Procesleder with an address, or, with none
of them, the active superusers: a page is never left without someone to look after it.

Once, however often and however many schedulers run: each page's reminder is claimed by one
conditional UPDATE (reminded_for becomes the review date only where it was not that date yet)
before the mail is queued, so a second run at the same moment finds nothing left to claim. The
worker sends it (mail/tasks.py) and tries again when the mail server fails; a mail it gives up
gives its claims back and is logged: the next run tries again. A page reviewed and due again
later gets a new reminder for its new date."""

import datetime
import logging
from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mail.tasks import send_later

from .models import EDITORS_GROUP, PageReview

logger = logging.getLogger(__name__)

SUBJECT = "Sider på Faxe i Fællesskab skal gennemgås"


def due_reviews(today):
    return (
        PageReview.objects.filter(due__lte=today, page__live=True)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=F("due")))
        .select_related("page", "page__owner")
        .order_by("due", "page__path")
    )


def stand_ins() -> list:
    """Who is reminded of pages without an (active) owner."""
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return list(users.filter(groups__name=EDITORS_GROUP).distinct()) or list(
        users.filter(is_superuser=True)
    )


def owner_to_remind(page) -> tuple | None:
    owner = page.owner
    if owner is not None and owner.is_active and owner.email:
        return (owner,)
    return None


def claim(review) -> bool:
    """Whether this run won the page's reminder for its current date."""
    claimed = (
        PageReview.objects.filter(pk=review.pk, due=review.due)
        .filter(Q(reminded_for__isnull=True) | ~Q(reminded_for=review.due))
        .update(reminded_for=review.due)
    )
    return claimed == 1


def send_review_reminders(today=None) -> int:
    """Queue what is due; the number of e-mails queued (sent at once by a backend that sends
    at once)."""
    today = today or timezone.localdate()
    others = None
    by_recipients = defaultdict(list)
    for review in due_reviews(today):
        recipients = owner_to_remind(review.page)
        if recipients is None:
            others = tuple(stand_ins()) if others is None else others
            recipients = others
        if not recipients:
            # Said once per review date; the page stays in the report and on the dashboard.
            if claim(review):
                logger.warning("Nobody with an e-mail address to remind of page %s", review.page_id)
            continue
        by_recipients[recipients].append(review)
    sent = 0
    for recipients, reviews in by_recipients.items():
        claimed = [review for review in reviews if claim(review)]
        if claimed and queue_reminder(recipients, claimed, today):
            sent += 1
    return sent


def queue_reminder(recipients, reviews, today) -> bool:
    """Queue the e-mail to `recipients` of the claimed `reviews` (mail/tasks.py). It carries
    each claim (the review, the date it was claimed for, the date it held before) so that it
    can be given back."""
    claims = [
        [review.pk, review.due.isoformat(), review.reminded_for and review.reminded_for.isoformat()]
        for review in reviews
    ]
    pages_named = ", ".join(str(review.page_id) for review in reviews)
    return send_later(
        "review.reminders.compose_reminder",
        [[user.pk for user in recipients], claims, today.isoformat()],
        f"review reminder of pages {pages_named}",
        give_back="review.reminders.give_back",
    )


def compose_reminder(user_ids: list, claims: list, today: str) -> EmailMessage | None:
    """The reminder as it goes out, of the claimed pages still due for the date they were
    claimed for (a page reviewed meanwhile has a new date and is left out); None when none is.
    Recipients who have left meanwhile are left out; with none left, the claims are given back
    and the next run chooses whom to remind."""
    claimed_for = {pk: datetime.date.fromisoformat(due) for pk, due, _ in claims}
    reviews = [
        review
        for review in PageReview.objects.filter(pk__in=claimed_for, page__live=True)
        .select_related("page")
        .order_by("due", "page__path")
        if review.due == claimed_for[review.pk] == review.reminded_for
    ]
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    recipients = sorted(users, key=lambda user: user_ids.index(user.pk))
    if not recipients:
        give_back(user_ids, claims, today)
    if not reviews or not recipients:
        return None
    today = datetime.date.fromisoformat(today)
    base_url = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    pages = [
        {
            "title": review.page.title,
            "due": review.due,
            "overdue": review.due < today,
            "edit_url": base_url + reverse("wagtailadmin_pages:edit", args=[review.page_id]),
        }
        for review in reviews
    ]
    context = {
        "name": recipients[0].first_name if len(recipients) == 1 else "",
        "pages": pages,
        "report_url": base_url + reverse("review:report"),
        "months": settings.PAGE_REVIEW_MONTHS,
    }
    return EmailMessage(
        SUBJECT,
        render_to_string("review/reminder_email.txt", context),
        to=[user.email for user in recipients],
    )


def give_back(user_ids: list, claims: list, today: str) -> None:
    """A reminder that could not be sent gives its claims back: the next run tries again."""
    for pk, due, before in claims:
        PageReview.objects.filter(pk=pk, reminded_for=due).update(reminded_for=before)
