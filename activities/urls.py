"""Calendar files end in ".ics", which Wagtail's page addresses do not allow (path segments of
letters, digits, "_" and "-" ending in "/"). This hands such addresses to Wagtail's own page
serving, where the page's route (RoutablePageMixin, "kalender.ics/") answers; include it before
Wagtail's URLs."""

from django.urls import re_path
from wagtail import views as wagtail_views

urlpatterns = [
    re_path(r"^((?:[\w\-]+/)*kalender\.ics)$", wagtail_views.serve, name="activities_calendar"),
]
