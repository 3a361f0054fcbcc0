"""When each page is next to be read through, and whether its owner has been reminded.

A page's review date belongs to the page as a whole, like its owner, not to one of its
revisions: it is kept in a row of its own, never in the page's content, so marking a page
reviewed makes no revision and leaves what visitors see (and the page cache) alone, and
publishing an older revision cannot bring back an older date."""

import calendar
import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Q
from django.utils import timezone

# The group whose members edit the site (home/migrations/0003_procesleder_group.py).
EDITORS_GROUP = "Procesleder"


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the month's last day when it has no such day (29 February
    plus 12 months is 28 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def next_review_from(day: datetime.date) -> datetime.date:
    return add_months(day, settings.PAGE_REVIEW_MONTHS)


def due_horizon(today: datetime.date | None = None) -> datetime.date:
    """The last review date that the report and the dashboard count as coming up."""
    return (today or timezone.localdate()) + datetime.timedelta(days=settings.PAGE_REVIEW_SOON_DAYS)


def editors():
    """The users who can own pages: active members of Procesleder and superusers."""
    return (
        get_user_model()
        .objects.filter(Q(groups__name=EDITORS_GROUP) | Q(is_superuser=True), is_active=True)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def display_name(user) -> str:
    if user is None:
        return "Ingen ejer"
    return user.get_full_name() or user.get_username()


def due_label(due: datetime.date, today: datetime.date | None = None) -> str:
    """A review date as the admin shows it: 02.12.2026, and whether it has passed."""
    today = today or timezone.localdate()
    if due < today:
        return f"{due:%d.%m.%Y} (forfalden)"
    if due == today:
        return f"{due:%d.%m.%Y} (i dag)"
    return f"{due:%d.%m.%Y}"


def pages_to_review(pages, today: datetime.date | None = None):
    """Of `pages` (a queryset of Wagtail pages), the published ones whose review date is past or
    comes within PAGE_REVIEW_SOON_DAYS, soonest first, with their review and owner."""
    return (
        pages.filter(live=True, review__due__lte=due_horizon(today))
        .select_related("review", "owner")
        .order_by("review__due", "path")
    )


class PageReview(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="review",
        verbose_name="side",
    )
    due = models.DateField("næste gennemgang", db_index=True)
    # The review date that the owner was last reminded of (send_review_reminders): one
    # reminder per date; a page reviewed and due again gets a new one.
    reminded_for = models.DateField("påmindelse sendt for", null=True, blank=True)

    class Meta:
        verbose_name = "gennemgang"
        verbose_name_plural = "gennemgange"

    def __str__(self):
        return f"{self.page_id}: {self.due:%d.%m.%Y}"


def schedule_first_review(sender, instance, **kwargs):
    """On publication (from the editor, the scheduler, a script): a page without a review date
    gets one, PAGE_REVIEW_MONTHS after the day it was published. A date it already has (chosen
    in the editor, or from an earlier publication) stands. One statement, which two publications
    at once cannot both carry out."""
    published = timezone.localdate(instance.last_published_at or timezone.now())
    PageReview.objects.bulk_create(
        [PageReview(page_id=instance.pk, due=next_review_from(published))],
        ignore_conflicts=True,
    )


# The page history's entry for a review (registered in review/wagtail_hooks.py).
REVIEWED = "review.reviewed"


def mark_reviewed(page, user) -> datetime.date:
    """`user` has read the page through and found it right: its next review is
    PAGE_REVIEW_MONTHS from today, and its history says who did it and when. The page itself,
    its revisions and what visitors see stay as they are."""
    from wagtail.log_actions import log

    due = next_review_from(timezone.localdate())
    previous = PageReview.objects.filter(page_id=page.pk).values_list("due", flat=True).first()
    PageReview.objects.update_or_create(page_id=page.pk, defaults={"due": due})
    log(
        instance=page,
        action=REVIEWED,
        user=user,
        data={"due": due.isoformat(), "previous_due": previous and previous.isoformat()},
    )
    return due
