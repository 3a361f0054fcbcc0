"""The activities' part of the showcase: the activity index and one activity with a sign-up,
each holding every block, a fully booked activity with a waiting list, and one with a single
seat left for the browser's sign-ups. Test data only, never seed content."""

import datetime
import re

from django.test import TestCase
from django.utils import timezone
from wagtail.models import Page

from activities.dates import DANISH_TIME
from activities.models import ActivityIndexPage, ActivityPage, ActivityType
from activities.signups import SignUp
from contacts.models import ContactPerson
from home.models import HomePage
from tests.support.showcase import every_block

INDEX_INTRODUCTION = (
    "Procesleder og forskellige fagfolk fra Kontoret for kulturudvikling, innovation og "
    "samskabelse administrerer og faciliterer temadage, seminarer, workshops, LederForum og "
    "Faxe Leder & LæringsAkademi. Her kan du se, hvad der kommer, og tilmelde dig."
)


def activity_index() -> ActivityIndexPage:
    """The one activity index: the seeded one, else a new one below the home page."""
    index = ActivityIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.get().add_child(
            instance=ActivityIndexPage(
                title="Aktiviteter", slug="aktiviteter", introduction=INDEX_INTRODUCTION
            )
        )
        index.save_revision().publish()
    return index


TOWN_HALL = "Rådhuset, Frederiksgade 9, 4690 Haslev"


def days_ahead(days: int, hour: int = 9) -> datetime.datetime:
    """`days` days from today (negative: ago) at `hour` o'clock Danish time: a start that keeps a
    test's activity upcoming (and its sign-up open) whenever the tests run."""
    day = (timezone.now() + datetime.timedelta(days=days)).astimezone(DANISH_TIME).date()
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=DANISH_TIME)


def publish_activity(title: str, slug: str, start, **fields) -> ActivityPage:
    """A published activity in the index: six hours at the town hall unless `fields` say
    otherwise."""
    fields.setdefault("end", start + datetime.timedelta(hours=6))
    fields.setdefault("place", TOWN_HALL)
    activity = activity_index().add_child(
        instance=ActivityPage(title=title, slug=slug, start=start, **fields)
    )
    activity.save_revision().publish()
    return activity


def at(year, month, day, hour=9, minute=0) -> datetime.datetime:
    """A moment in Danish time."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=DANISH_TIME)


_slugs = iter(range(1, 10_000))


def add_activity(index, title, start, end=None, **fields) -> ActivityPage:
    """A published activity in `index` (the one activity index) with a slug of its own."""
    assert index.pk == activity_index().pk
    return publish_activity(
        title,
        f"aktivitet-{next(_slugs)}",
        start,
        end=end or start + datetime.timedelta(hours=6),
        **fields,
    )


def open_for_sign_up_until(index, title, deadline) -> ActivityPage:
    """An activity in five days whose sign-up is on until `deadline`."""
    return add_activity(index, title, days_ahead(5), signup_enabled=True, signup_deadline=deadline)


def form_token(client, activity) -> str:
    """The token in the activity's sign-up form as the client gets it ("" when there is no form:
    the sign-up is closed or off)."""
    form = client.get(activity.signup_url())
    found = re.search(r'name="token" value="([^"]+)"', form.content.decode())
    return found.group(1) if form.status_code == 200 and found else ""


def sign_up(client, activity, **fields):
    """Mette Hansen opens the activity's sign-up form and posts it, with `fields` changed (a
    `token` among them in place of the form's own)."""
    data = {
        "name": "Mette Hansen",
        "email": "meha@faxekommune.dk",
        "workplace": "Haslev Bibliotek",
        "comment": "",
        **fields,
    }
    if "token" not in data:
        data["token"] = form_token(client, activity)
    # The confirmation is queued once the sign-up commits; a test's own transaction never
    # commits, so what waits for the commit runs when the request is answered, as it would.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(activity.signup_url(), data)


def build(image) -> dict[str, Page]:
    body = every_block(image, ContactPerson.objects.first())
    index = activity_index()
    start = days_ahead(30)
    activity = index.add_child(
        instance=ActivityPage(
            title="Eksempeltemadag",
            slug="eksempeltemadag",
            activity_type=ActivityType.TEMADAG,
            start=start,
            end=start + datetime.timedelta(hours=6),
            place=TOWN_HALL,
            audience="Alle ledere i Faxe Kommune",
            introduction="En temadag med alle blokke.",
            picture=image,
            picture_alt="Deltagere ved bordene i rådhusets kantine",
            signup_enabled=True,
            capacity=40,
        )
    )
    pages = {"activity_index": index, "activity": activity}
    for page in pages.values():
        page.body = body
        page.save_revision().publish()
    # Sooner than the example: the home page's cards show it too.
    pages["full_activity"] = full = publish_activity(
        "Fuldt booket workshop",
        "fuldt-booket-workshop",
        days_ahead(20),
        activity_type=ActivityType.WORKSHOP,
        introduction="En workshop, hvor alle pladser er taget.",
        signup_enabled=True,
        capacity=1,
    )
    for name, email in (
        ("Mette Hansen", "meha@faxekommune.dk"),
        ("Jens Jensen", "jeje@faxekommune.dk"),
    ):
        status = SignUp.Status.WAITING if full.signups.exists() else SignUp.Status.CONFIRMED
        SignUp.objects.create(
            activity=full, name=name, email=email, workplace="Haslev Bibliotek", status=status
        )
    pages["one_seat_activity"] = publish_activity(
        "Workshop med én plads",
        "workshop-med-en-plads",
        days_ahead(40),
        activity_type=ActivityType.WORKSHOP,
        signup_enabled=True,
        capacity=1,
    )
    return pages


def extra_urls(pages: dict[str, Page]) -> dict[str, str]:
    """Addresses beside the pages that the browser checks should visit (each answers 200): the
    sign-up form and its receipt page, and the cancel page as the e-mail's link opens it
    (routes of the activity page)."""
    activity = pages["activity"].specific
    full = pages["full_activity"].specific
    return {
        "signup": activity.signup_url(),
        "signup_thanks": activity.thanks_url(),
        "signup_cancel": full.cancel_url(full.signups.get(status=SignUp.Status.WAITING)),
    }
