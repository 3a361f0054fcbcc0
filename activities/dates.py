"""Dates and times as Danes write them: "tirsdag 10. oktober 2017, kl. 9.00–15.00" (an en dash
between the times), in Danish time whatever language or time zone is active."""

import datetime
from zoneinfo import ZoneInfo

from django.utils.html import format_html
from django.utils.safestring import SafeString

DANISH_TIME = ZoneInfo("Europe/Copenhagen")
WEEKDAYS = ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag")
MONTHS = (
    "januar",
    "februar",
    "marts",
    "april",
    "maj",
    "juni",
    "juli",
    "august",
    "september",
    "oktober",
    "november",
    "december",
)


def danish_date(moment: datetime.datetime) -> str:
    """'tirsdag 10. oktober 2017'"""
    local = moment.astimezone(DANISH_TIME)
    return f"{WEEKDAYS[local.weekday()]} {local.day}. {MONTHS[local.month - 1]} {local.year}"


def danish_time(moment: datetime.datetime) -> str:
    """'9.00'"""
    local = moment.astimezone(DANISH_TIME)
    return f"{local.hour}.{local.minute:02d}"


def danish_moment(moment: datetime.datetime) -> str:
    """'mandag 2. oktober 2017, kl. 12.00'"""
    return f"{danish_date(moment)}, kl. {danish_time(moment)}"


def danish_period(start: datetime.datetime, end: datetime.datetime) -> str:
    """'tirsdag 10. oktober 2017, kl. 9.00–15.00' within a day; across days both moments:
    'tirsdag 10. oktober 2017, kl. 9.00 – onsdag 11. oktober 2017, kl. 15.00'."""
    if same_day(start, end):
        return f"{danish_date(start)}, kl. {danish_time(start)}–{danish_time(end)}"
    return f"{danish_moment(start)} – {danish_moment(end)}"


def danish_period_html(start: datetime.datetime, end: datetime.datetime) -> SafeString:
    """danish_period for a page: a line may break between the date and the time, never inside
    "kl. 9.00–15.00" (a narrow screen would otherwise leave "15.00" alone on the next line)."""
    if same_day(start, end):
        return format_html(
            '{}, <span class="nowrap">kl. {}–{}</span>',
            danish_date(start),
            danish_time(start),
            danish_time(end),
        )
    return format_html(
        '{}, <span class="nowrap">kl. {}</span> – {}, <span class="nowrap">kl. {}</span>',
        danish_date(start),
        danish_time(start),
        danish_date(end),
        danish_time(end),
    )


def same_day(start: datetime.datetime, end: datetime.datetime) -> bool:
    return start.astimezone(DANISH_TIME).date() == end.astimezone(DANISH_TIME).date()
