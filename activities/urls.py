"""Addresses of activity pages' routes that Wagtail's own page serving cannot take as they are;
include these before Wagtail's URLs. Each hands the address to Wagtail's page serving, where the
page's route (RoutablePageMixin) answers.

- Calendar files end in ".ics", which Wagtail's page addresses do not allow (path segments of
  letters, digits, "_" and "-" ending in "/").
- Sign-up forms ("<aktivitet>/tilmelding/") are exempt from Django's CSRF check, which would set
  a cookie on every visitor who opens one: the form carries a signed token of its own, checked by
  the form (activities/forms.py says why that protects as much). Another page at such an address
  (a page with the slug "tilmelding") only renders on a post.
- The cancel page (activities/cancellation.py) posts without Django's CSRF token either. CSRF
  protection keeps another site from riding on a visitor's cookies; this form rides on none: the
  signed token it carries, which only the person's e-mail holds, is what authorises the
  cancellation, and anyone who has the token can cancel with or without a forged request.
"""

from django.urls import re_path
from django.views.decorators.csrf import csrf_exempt
from wagtail import views as wagtail_views

urlpatterns = [
    re_path(r"^((?:[\w\-]+/)*kalender\.ics)$", wagtail_views.serve, name="activities_calendar"),
    re_path(
        r"^((?:[\w\-]+/)+tilmelding/)$",
        csrf_exempt(wagtail_views.serve),
        name="activities_signup",
    ),
    re_path(
        r"^((?:[\w\-]+/)+tilmelding/afmeld/)$",
        csrf_exempt(wagtail_views.serve),
        name="activities_signup_cancel",
    ),
]
