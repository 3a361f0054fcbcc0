"""Set up the database of the site that the browser tests visit: the seed content plus one page
of every type holding every block, and a procesleder account. Run by the fixture in a
subprocess, through `manage.py shell`, against the served site's own database."""

import datetime
import json
import re

from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import Page

from review.models import PageReview
from tests.support import showcase_activities, showcase_stories
from tests.support.images import make_image
from tests.support.showcase import build_showcase

PROCESLEDER = {"username": "procesleder", "password": "browser-test-kodeord-42"}
DUE_FOR_REVIEW = "lidt-forhistorie"  # a phase page


def log_in_as_procesleder(editor) -> None:
    """Log the browser tab in to the admin as the procesleder, from the login page."""
    editor.goto("/admin/login/")
    editor.get_by_label("Brugernavn").fill(PROCESLEDER["username"])
    editor.get_by_label("Adgangskode").fill(PROCESLEDER["password"])
    editor.get_by_role("button", name=re.compile("log ind", re.IGNORECASE)).click()
    editor.wait_for_url(re.compile(r"/admin/$"))


# Addresses that are not pages of their own: forms, filtered and searched listings, the login
# page of login-restricted pages.
EXTRA_URLS = [
    "/soeg/",
    "/soeg/?q=samskabelse",
    "/aktiviteter/?type=temadag",
    "/_util/login/?next=/baggrund/",
]


def prepare() -> None:
    call_command("seed_content")
    image = make_image()
    build_showcase(image)
    # Activities first: the example story comes from the example activity.
    activities = showcase_activities.build(image)
    stories = showcase_stories.build(image)
    user = User.objects.create_user(**PROCESLEDER, first_name="Proces", last_name="Leder")
    user.groups.add(Group.objects.get(name="Procesleder"))
    # A page of the procesleder's, overdue for review (tests/browser/test_review_dates.py).
    Page.objects.filter(slug=DUE_FOR_REVIEW).update(owner=user)
    PageReview.objects.filter(page__slug=DUE_FOR_REVIEW).update(
        due=timezone.localdate() - datetime.timedelta(days=3)
    )
    urls = [page.url for page in Page.objects.live().filter(depth__gte=2).order_by("path")]
    urls += EXTRA_URLS
    urls += showcase_activities.extra_urls(activities).values()
    urls += showcase_stories.extra_urls(stories).values()
    print(json.dumps(urls))
