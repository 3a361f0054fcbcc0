"""The soak's work in the site's database, each run as a process of its own with the site's
settings (scripts/soak/soak.py starts them):

  content.py prepare              an activity open for sign-up; prints its addresses as JSON
  content.py edit PAGE_ID UNTIL   publishes revisions of the page until the Unix time UNTIL, as
                                  an editor's publish does (save_revision().publish()); prints
                                  "saved <revision id>" for each that returned, "failed <error>"
                                  for each that raised
  content.py check                prints the e-mail addresses of the activity's sign-ups and the
                                  ids of every revision, as JSON
"""

import datetime
import json
import sys
import time

import django

django.setup()

from django.db import DatabaseError, connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Revision  # noqa: E402

from activities.models import ActivityIndexPage, ActivityPage, ActivityType  # noqa: E402
from activities.signups import SignUp  # noqa: E402
from pages.models import ContentPage  # noqa: E402

ACTIVITY_SLUG = "soak-temadag"


def prepare() -> None:
    start = timezone.now() + datetime.timedelta(days=30)
    activity = ActivityIndexPage.objects.get().add_child(  # the seeded index
        instance=ActivityPage(
            title="Soak-temadag",
            slug=ACTIVITY_SLUG,
            activity_type=ActivityType.TEMADAG,
            start=start,
            end=start + datetime.timedelta(hours=6),
            place="Rådhuset, Frederiksgade 9, 4690 Haslev",
            audience="Alle",
            introduction="Tilmeldinger under belastning.",
            signup_enabled=True,
            capacity=None,  # no limit: every sign-up is confirmed
        )
    )
    activity.save_revision().publish()
    edited = ContentPage.objects.get(slug="baggrund")
    print(
        json.dumps(
            {
                "activity_url": activity.url,
                "signup_url": activity.signup_url(),
                "edited_page_id": edited.pk,
                "edited_page_url": edited.url,
            }
        )
    )


def edit(page_id: int, until: float) -> None:
    number = 0
    while time.time() < until:
        number += 1
        try:
            page = ContentPage.objects.get(pk=page_id)
            page.introduction = f"Soak-redigering nummer {number}."
            revision = page.save_revision()
            revision.publish()
            print(f"saved {revision.pk}", flush=True)
        except DatabaseError as error:
            print(f"failed {type(error).__name__}: {str(error).splitlines()[0]}", flush=True)
            # The connection may have died with the server: the next attempt opens a new one.
            connection.close()
            time.sleep(0.5)
        time.sleep(0.2)


def check() -> None:
    activity = ActivityPage.objects.get(slug=ACTIVITY_SLUG)
    print(
        json.dumps(
            {
                "signups": list(
                    SignUp.objects.filter(activity=activity).values_list("email", flat=True)
                ),
                "revisions": list(Revision.objects.values_list("pk", flat=True)),
            }
        )
    )


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "prepare":
        prepare()
    elif command == "edit":
        edit(int(args[0]), float(args[1]))
    elif command == "check":
        check()
    else:
        sys.exit(f"unknown command {command}")
