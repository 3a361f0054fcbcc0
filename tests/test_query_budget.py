"""Every page type renders uncached in at most 12 queries, the same number however many
children an index lists or images a page holds."""

import datetime

import pytest

from activities.signups import SignUp
from base.blocks import BodyBlock
from home.models import HomePage
from pages.models import ContentPage, PhaseIndexPage, PhasePage
from tests.support.images import make_image
from tests.support.queries import uncached_queries
from tests.support.showcase import build_showcase
from tests.support.showcase_activities import activity_index, add_activity, days_ahead


def add_phases(numbers):
    index = PhaseIndexPage.objects.get()
    for n in numbers:
        phase = PhasePage(
            title=f"Fase {n}",
            slug=f"fase-{n}",
            start_date=datetime.date(2019, 1, 1) + datetime.timedelta(days=n),
            introduction="En ekstra fase.",
            body=[("paragraph", "<p>Hvad skete der i fasen.</p>")],
        )
        index.add_child(instance=phase).save_revision().publish()


def add_sections(numbers):
    home = HomePage.objects.get()
    for n in numbers:
        section = ContentPage(title=f"Afsnit {n}", slug=f"afsnit-{n}", introduction="Et afsnit.")
        home.add_child(instance=section).save_revision().publish()


def add_activities(numbers):
    """Activities with one seat, every other one taken: each card says whether it is full."""
    for n in numbers:
        activity = add_activity(
            activity_index(), f"Aktivitet {n}", days_ahead(1 + n), signup_enabled=True, capacity=1
        )
        if n % 2:
            SignUp.objects.create(
                activity=activity, name="A", email=f"a{n}@faxekommune.dk", workplace="X"
            )


def add_images(numbers):
    page = ContentPage.objects.get(slug="baggrund")
    figures = [
        {
            "type": "image",
            # Small: what is counted is queries, and renditions of a large photo take seconds.
            "value": {
                "image": {"image": make_image(f"Billede {n}", (320, 180)).pk, "alt_text": "x"}
            },
        }
        for n in numbers
    ]
    page.body = BodyBlock().to_python([*page.body.raw_data, *figures])
    page.save_revision().publish()


@pytest.mark.django_db
def test_every_page_type_renders_within_the_budget(
    client, seeded, image, django_assert_max_num_queries
):
    build_showcase(image)  # one page of each type holding every block (built once: seconds)
    for url in [
        "/",
        "/baggrund/",
        "/faser/",
        "/faser/det-ny-faxe/",
        "/kontakt/",
        "/eksempelside/",
        "/faser/eksempelfase/",
    ]:
        uncached_queries(client, url, django_assert_max_num_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "grow,url",
    [
        (add_phases, "/faser/"),  # the phase index lists its phases
        (add_phases, "/baggrund/"),  # Baggrund's timeline shows every phase's text
        (add_sections, "/"),  # the home page leads to every section
        (add_images, "/baggrund/"),  # a body of images, each with its renditions
        (add_activities, "/aktiviteter/"),  # a page of activity cards, full or not
        (add_activities, "/"),  # the next activities' cards
    ],
    ids=["phase-index", "baggrund-timeline", "home-sections", "images", "activities", "home"],
)
def test_queries_do_not_grow_from_1_to_30(client, seeded, grow, url, django_assert_max_num_queries):
    grow(range(1))
    with_one = uncached_queries(client, url, django_assert_max_num_queries)
    grow(range(1, 30))
    assert uncached_queries(client, url, django_assert_max_num_queries) == with_one
