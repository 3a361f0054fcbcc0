from django.apps import AppConfig


class ReviewConfig(AppConfig):
    """Owners and review dates: every published page is read through again by its owner at
    least every PAGE_REVIEW_MONTHS months (review/models.py). It sits under base/ with the page
    cache: it knows Wagtail's Page and no page app."""

    name = "review"
    verbose_name = "Gennemgang"

    def ready(self):
        from wagtail.signals import page_published

        from .models import schedule_first_review

        page_published.connect(schedule_first_review, dispatch_uid="review-first-publish")
