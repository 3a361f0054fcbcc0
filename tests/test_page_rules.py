"""Page type rules: the admin offers editors only sensible places for each page type."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from activities.models import ActivityIndexPage, ActivityPage
from contacts.models import ContactPage
from home.models import HomePage
from pages.models import ContentPage, PhaseIndexPage, PhasePage
from stories.models import StoryIndexPage, StoryPage
from tests.support.showcase_activities import at
from tests.support.showcase_stories import story_index


class PageTypeRulesTests(WagtailPageTestCase):
    def setUp(self):
        self.home = HomePage.objects.get()

    def test_home_page_is_the_only_page_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        # max_count: the migration made the one Forside, so the admin offers no second one.
        self.assertFalse(HomePage.can_create_at(Page.get_first_root_node()))

    def test_home_page_offers_the_sections(self):
        self.assertAllowedSubpageTypes(
            HomePage,
            {ContentPage, PhaseIndexPage, ActivityIndexPage, StoryIndexPage, ContactPage},
        )

    def test_content_pages_nest_under_home_and_each_other(self):
        self.assertAllowedParentPageTypes(ContentPage, {HomePage, ContentPage})
        self.assertAllowedSubpageTypes(ContentPage, {ContentPage})

    def test_phases_live_only_in_the_phase_index(self):
        self.assertAllowedParentPageTypes(PhasePage, {PhaseIndexPage})
        self.assertAllowedSubpageTypes(PhasePage, set())
        self.assertAllowedSubpageTypes(PhaseIndexPage, {PhasePage})
        self.assertCanNotCreateAt(ContentPage, PhasePage)
        self.assertCanNotCreateAt(HomePage, PhasePage)

    def test_phase_index_and_contact_page_are_unique(self):
        self.assertCanCreateAt(HomePage, PhaseIndexPage)
        self.home.add_child(instance=PhaseIndexPage(title="Faser"))
        self.home.add_child(instance=ContactPage(title="Kontakt"))
        self.assertFalse(PhaseIndexPage.can_create_at(self.home))
        self.assertFalse(ContactPage.can_create_at(self.home))
        self.assertTrue(ContentPage.can_create_at(self.home))

    def test_contact_page_has_no_children(self):
        self.assertAllowedParentPageTypes(ContactPage, {HomePage})
        self.assertAllowedSubpageTypes(ContactPage, set())


class ActivityPageTypeRulesTests(WagtailPageTestCase):
    def test_activities_live_only_in_the_activity_index(self):
        self.assertAllowedSubpageTypes(ActivityIndexPage, {ActivityPage})
        self.assertAllowedSubpageTypes(ActivityPage, set())
        self.assertEqual(ActivityPage.parent_page_types, ["activities.ActivityIndexPage"])
        self.assertCanNotCreateAt(HomePage, ActivityPage)

    def test_home_page_offers_one_activity_index(self):
        self.assertCanCreateAt(HomePage, ActivityIndexPage)

    def test_the_activity_index_is_one_section_below_the_home_page(self):
        self.assertEqual(ActivityIndexPage.parent_page_types, ["home.HomePage"])
        home = HomePage.objects.get()
        home.add_child(instance=ActivityIndexPage(title="Aktiviteter"))
        self.assertFalse(ActivityIndexPage.can_create_at(home))
        self.assertCanNotCreateAt(ActivityIndexPage, ActivityIndexPage)

    def test_an_activity_ends_after_it_starts(self):
        activity = ActivityPage(
            title="Baglæns", start=at(2030, 1, 2, 15), end=at(2030, 1, 2, 9), place="Haslev"
        )
        with self.assertRaises(ValidationError) as raised:
            activity.clean()
        self.assertIn("end", raised.exception.message_dict)


@pytest.mark.django_db
def test_stories_live_only_in_the_story_index(seeded):
    index = story_index()
    assert StoryPage.can_create_at(index)
    for parent in (seeded["home"], seeded["baggrund"], seeded["faser"]):
        assert not StoryPage.can_create_at(parent)
    assert StoryPage.allowed_subpage_models() == []
    assert StoryIndexPage.allowed_subpage_models() == [StoryPage]
    assert not StoryIndexPage.can_create_at(seeded["baggrund"])
    assert not StoryIndexPage.can_create_at(index)


@pytest.mark.django_db
def test_home_page_offers_one_story_index(seeded):
    assert StoryIndexPage in HomePage.allowed_subpage_models()
    assert story_index().slug == "fortaellinger"  # the seed made the one index
    assert not StoryIndexPage.can_create_at(seeded["home"])
