"""Stories for the tests and the browser checks: the index and one story holding every block.
Test data only, never seed content."""

import datetime

from django.utils.text import slugify
from wagtail.models import Page

from activities.models import ActivityPage
from contacts.models import ContactPerson
from home.models import HomePage
from stories.models import StoryIndexPage, StoryPage
from tests.support.showcase import every_block


def story_index() -> StoryIndexPage:
    """Fortællinger, created below the home page if the site has none yet."""
    index = StoryIndexPage.objects.first()
    if index is None:
        index = HomePage.objects.get().add_child(
            instance=StoryIndexPage(
                title="Fortællinger",
                slug="fortaellinger",
                introduction="Fortællinger fra temadage, seminarer og prøvehandlinger.",
            )
        )
        index.save_revision().publish()
    return index


def add_story(index=None, *, publish=True, tags=(), **fields) -> StoryPage:
    """A story below the index; title, slug, date and author have defaults."""
    index = index or story_index()
    fields.setdefault("title", "Temadag i Haslev")
    danish = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})
    fields.setdefault("slug", slugify(fields["title"].lower().translate(danish)))
    fields.setdefault("date", datetime.date(2017, 10, 10))
    fields.setdefault("author", "Mette Hansen")
    story = index.add_child(instance=StoryPage(live=False, **fields))
    if tags:
        story.tags.add(*tags)
    revision = story.save_revision()
    if publish:
        revision.publish()
    return StoryPage.objects.get(pk=story.pk)


def build(image) -> dict[str, Page]:
    """One published page of each story page type, each holding every body block."""
    body = every_block(image, ContactPerson.objects.first())
    index = story_index()
    index.body = body
    index.save_revision().publish()
    story = add_story(
        index,
        title="Eksempelfortælling",
        slug="eksempelfortaelling",
        kind=StoryPage.Kind.REPORTAGE,
        introduction="En fortælling med alle blokke.",
        picture=image,
        picture_alt="Deltagere i rundkreds på en temadag",
        tags=["temadag", "LederForum"],
        activity=_an_activity(),
        body=body,
    )
    return {"story_index": index, "story": story}


def extra_urls(pages: dict[str, Page]) -> dict[str, str]:
    """Addresses beside the pages for the browser checks: the index filtered by a tag."""
    return {"story_tag": f"{pages['story_index'].url}?tag=temadag"}


def _an_activity() -> ActivityPage | None:
    """An activity for the story to come from: the showcase's (build it first)."""
    return ActivityPage.objects.live().first()
