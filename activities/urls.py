"""Page addresses that Wagtail's own URL pattern serves differently; include them before
Wagtail's URLs.

Calendar files end in ".ics", which Wagtail's page addresses do not allow (path segments of
letters, digits, "_" and "-" ending in "/"): they go to Wagtail's own page serving, where the
page's route (RoutablePageMixin, "kalender.ics/") answers.

Sign-up forms ("<aktivitet>/tilmelding/") are exempt from Django's CSRF check, which would set
a cookie on every visitor who opens one: the form carries a signed token of its own, checked by
the form (activities/forms.py says why that protects as much). The exemption is this address
only; Wagtail serves it as any page, so the activity's "signup" route answers. Another page at
such an address (a page with the slug "tilmelding") only renders on a post.
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
]
