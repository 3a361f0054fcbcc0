"""Every page that is published when this arrives gets its review date: 12 months
(PAGE_REVIEW_MONTHS) after it was last published, even when that is already past.

A page nobody has published for more than a year is exactly what the review is for: it shows as
overdue in the report and on the dashboard at once, and its owner gets one reminder listing all
such pages (one e-mail, not one per page). Giving it a date a year from today instead would hide
it for another year. Pages that are not published get their date when they are."""

import calendar
import datetime

from django.conf import settings
from django.db import migrations
from django.utils import timezone


def add_months(day: datetime.date, months: int) -> datetime.date:
    # As review.models.add_months, copied so that this migration stays as it was written.
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def give_published_pages_a_review_date(apps, schema_editor):
    Page = apps.get_model("wagtailcore", "Page")
    PageReview = apps.get_model("review", "PageReview")
    months = getattr(settings, "PAGE_REVIEW_MONTHS", 12)
    reviews = []
    pages = Page.objects.filter(live=True, depth__gt=1, review__isnull=True)
    for pk, last, first in pages.values_list("pk", "last_published_at", "first_published_at"):
        published = timezone.localdate(last or first or timezone.now())
        reviews.append(PageReview(page_id=pk, due=add_months(published, months)))
    PageReview.objects.bulk_create(reviews, batch_size=500)


def forget_review_dates(apps, schema_editor):
    apps.get_model("review", "PageReview").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("review", "0001_page_review")]

    operations = [
        migrations.RunPython(give_published_pages_a_review_date, forget_review_dates),
    ]
