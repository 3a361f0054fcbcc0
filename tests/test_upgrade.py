"""An existing site keeps everything when it upgrades to the apps of today: a database as the
site had it before the moves (stories and the site settings in the pages app's state, their
content types named pages.*, the activity link a link to any page), with content in it, migrated
forward, has every page, revision, image, sign-up, redirect, setting and permission, and serves
its stories. On SQLite and PostgreSQL."""

import datetime
import json

from tests.support.databases import seeded_site
from tests.support.processes import BASE_DIR, manage, shell_lines

CONTENT = """
import datetime
from wagtail.contrib.redirects.models import Redirect
from activities.models import ActivityType
from activities.signups import SignUp
from pages.models import ContentPage
from tests.support.images import make_image
from tests.support.showcase_activities import days_ahead, publish_activity
from tests.support.showcase_stories import add_story
activity = publish_activity("Temadag om samskabelse", "temadag", days_ahead(30),
                            activity_type=ActivityType.TEMADAG, signup_enabled=True)
SignUp.objects.create(activity=activity, name="Mette Hansen", email="meha@faxekommune.dk",
                      workplace="Haslev Bibliotek")
story = add_story(title="Det lærte vi", activity=activity, tags=["temadag", "LederForum"],
                  picture=make_image(), picture_alt="Deltagere i rundkreds")
story.author = "Ole Jensen"
story.save_revision().publish()  # a second revision
add_story(title="Om Baggrund")
Redirect.objects.create(old_path="/gammel-fortaelling", redirect_page=story)
from wagtail.models import Site
from base.models import SiteSettings
site_settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
site_settings.accessibility_statement_url = "https://was.digst.dk/faxe-ny-erklaering"
site_settings.save()
print("ok")
"""

# Before the move a story's activity was a link to any page: an old story may point at one that
# is not an activity (the admin never let editors make one; the migration drops it).
LINK_TO_A_CONTENT_PAGE = """
from django.db import connection
from wagtail.models import Page
baggrund = Page.objects.get(slug="baggrund")  # the pages app's tables are as they were then
with connection.cursor() as cursor:
    cursor.execute("UPDATE pages_storypage SET activity_id = %s WHERE page_ptr_id = "
                   "(SELECT id FROM wagtailcore_page WHERE slug = 'om-baggrund')", [baggrund.pk])
    print(cursor.rowcount)
"""

CONTENT_TYPES = """
import datetime
import json
from django.contrib.contenttypes.models import ContentType
from django.db.migrations.recorder import MigrationRecorder
print(json.dumps({
    "content types": sorted(ContentType.objects.filter(model__startswith="story")
                            .values_list("app_label", flat=True).distinct()),
    "settings content type": ContentType.objects.get(model="sitesettings").app_label,
    "stories migrations": MigrationRecorder.Migration.objects.filter(app="stories").count(),
}))
"""

SNAPSHOT = """
import datetime
import json
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.contrib.redirects.models import Redirect
from wagtail.images import get_image_model
from wagtail.models import Page, Revision
from activities.signups import SignUp
from stories.models import StoryPage
story = StoryPage.objects.get(slug="det-laerte-vi")
client = Client()
print(json.dumps({
    "pages": sorted(Page.objects.values_list("url_path", "live")),
    "revisions": Revision.objects.count(),
    "images": get_image_model().objects.count(),
    "sign-ups": list(SignUp.objects.values_list("email", "status")),
    "redirects": list(Redirect.objects.values_list("old_path", "redirect_page__url_path")),
    "story": {
        "content type": story.content_type.app_label,
        "tags": sorted(story.tags.names()),
        "activity": story.activity and story.activity.title,
        "revisions": story.revisions.count(),
        "author": story.author,
        "picture": story.picture.title,
    },
    "other story's activity": StoryPage.objects.get(slug="om-baggrund").activity_id,
    "accessibility statement": client.get("/was").headers["Location"],
    "Procesleder's rights": sorted(Group.objects.get(name="Procesleder").permissions
                                   .values_list("content_type__app_label", "codename")),
    "Procesleder's page rights": sorted(Group.objects.get(name="Procesleder").page_permissions
                                        .values_list("page__url_path", "permission__codename")),
    "served": {url: client.get(url).status_code
               for url in ["/fortaellinger/det-laerte-vi/", "/fortaellinger/",
                           "/fortaellinger/?tag=temadag", "/aktiviteter/temadag/"]},
    "activity page shows the story": "Det lærte vi" in client.get("/aktiviteter/temadag/").text,
}, default=str))
"""


def test_a_site_from_before_the_app_moves_keeps_everything_and_serves_it(tmp_path):
    # Each step's scripts run in one manage.py shell: starting Django costs seconds each time.
    with seeded_site(tmp_path) as env:
        made, snapshot = shell_lines(env, CONTENT + SNAPSHOT)
        assert made == "ok"
        expected = json.loads(snapshot)

        # Back to the database as the site had it before stories had an app of their own.
        manage(env, "migrate", "stories", "zero", "--noinput")
        content_types, linked = shell_lines(env, CONTENT_TYPES + LINK_TO_A_CONTENT_PAGE)
        assert json.loads(content_types) == {
            "content types": ["pages"],
            "settings content type": "pages",
            "stories migrations": 0,
        }
        assert linked == "1"  # one story linked

        manage(env, "migrate", "--noinput")
        snapshot, content_types = shell_lines(env, SNAPSHOT + CONTENT_TYPES)
        after = json.loads(snapshot)
        assert json.loads(content_types) == {
            "content types": ["stories"],
            "settings content type": "base",
            # Every one of them applied, those that came after the move too.
            "stories migrations": len(list((BASE_DIR / "stories" / "migrations").glob("0*.py"))),
        }

    assert after == expected
    assert expected["story"] == {
        "content type": "stories",
        "tags": ["LederForum", "temadag"],
        "activity": "Temadag om samskabelse",
        "revisions": 2,
        "author": "Ole Jensen",
        "picture": "Temadag i Haslev",
    }
    assert set(expected["served"].values()) == {200}
    assert expected["accessibility statement"] == "https://was.digst.dk/faxe-ny-erklaering"
    assert ["contacts", "change_contactperson"] in expected["Procesleder's rights"]
    assert ["/forside/", "publish_page"] in expected["Procesleder's page rights"]
    assert expected["activity page shows the story"]
    assert after["other story's activity"] is None  # the link to a content page was dropped


BEFORE_REVIEW_DATES = """
import datetime, json
from django.utils import timezone
from wagtail.models import Page
def published(slug, days_ago):
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    Page.objects.filter(slug=slug).update(last_published_at=moment)
    return str(timezone.localdate(moment))
print(json.dumps({
    "baggrund": published("baggrund", 500),  # over a year ago
    "faser": published("faser", 30),
}))
Page.objects.filter(slug="kontakt").update(live=False)
"""
REVIEW_DATES = """
import datetime
import json
from review.models import PageReview
print(json.dumps({r.page.slug: str(r.due) for r in PageReview.objects.select_related("page")}))
"""


def test_published_pages_get_a_review_date_a_year_after_their_last_publication(tmp_path):
    """The data migration on a site that had no review dates: each published page is due 12
    months after it was last published, overdue at once if that was more than a year ago;
    an unpublished page gets its date when it is published."""
    with seeded_site(tmp_path) as env:
        manage(env, "migrate", "review", "0001", "--noinput")  # before the dates
        published = json.loads(shell_lines(env, BEFORE_REVIEW_DATES)[-1])
        manage(env, "migrate", "--noinput")
        dates = json.loads(shell_lines(env, REVIEW_DATES)[-1])

    def a_year_after(day: str) -> str:
        year, month, date = day.split("-")
        return f"{int(year) + 1}-{month}-{'28' if (month, date) == ('02', '29') else date}"

    assert dates["baggrund"] == a_year_after(published["baggrund"])
    assert dates["baggrund"] < str(datetime.date.today())  # overdue
    assert dates["faser"] == a_year_after(published["faser"])
    assert "kontakt" not in dates
    assert {"forside", "det-ny-faxe"} <= dates.keys()
