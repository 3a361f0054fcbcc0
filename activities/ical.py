"""Calendar files (iCalendar, RFC 5545) for the activities, built with the icalendar package:
times in Danish time with the VTIMEZONE that describes it, and a stable UID per activity, so a
calendar that imports or subscribes again updates the event instead of adding a second one."""

import datetime

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from icalendar import Calendar, Event

from .dates import DANISH_TIME

PRODID = "-//Faxe Kommune//Faxe i Fællesskab//DA"
UID_DOMAIN = "faxeifaellesskab.dk"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def event_uid(activity) -> str:
    """The activity's UID: the same whatever changes on the page, unique to this site."""
    return f"activity-{activity.pk}@{UID_DOMAIN}"


def event_for(request, activity, stamp: datetime.datetime) -> Event:
    url = request.build_absolute_uri(activity.get_url(request))
    return Event.new(
        uid=event_uid(activity),
        stamp=stamp,
        start=activity.start.astimezone(DANISH_TIME),
        end=activity.end.astimezone(DANISH_TIME),
        summary=activity.title,
        location=activity.place,
        description="\n\n".join(part for part in (activity.introduction.strip(), url) if part),
        url=url,
        categories=[activity.get_activity_type_display()],
        last_modified=activity.last_published_at,
    )


def calendar_for(request, page, activities, name: str) -> Calendar:
    """A calendar of the activities, published by `page` (the index, or the activity itself)."""
    stamp = timezone.now().astimezone(datetime.UTC).replace(microsecond=0)
    calendar = Calendar.new(
        prodid=PRODID,
        name=name,
        method="PUBLISH",
        # Subscribed calendars look for changes twice a day.
        refresh_interval=datetime.timedelta(hours=12),
        uid=f"calendar-{page.pk}@{UID_DOMAIN}",
    )
    calendar.add("X-WR-TIMEZONE", DANISH_TIME.key)
    calendar.add("X-PUBLISHED-TTL", "PT12H")  # the same, for Outlook
    for activity in activities:
        calendar.add_component(event_for(request, activity, stamp))
    if activities:
        # The time zone's rules for the span the events cover, not since 1970.
        calendar.add_missing_timezones(
            first_date=min(a.start for a in activities).date() - datetime.timedelta(days=1),
            last_date=max(a.end for a in activities).date() + datetime.timedelta(days=1),
        )
    return calendar


def calendar_response(calendar: Calendar, filename: str) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
