"""Stories: fortællinger, reportager and prøvehandlinger, told by the people who took part, and
their index with tags, pages and an RSS feed."""

import datetime

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Count, Window, prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils import feedgenerator, timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from base.models import BasePage, PicturedPage, organisation_id, picture_panel
from base.pagination import NOT_FOUND, page_links, requested_page
from base.privacy import public_q, restricted_paths
from pagecache.cache import depends_on, varies_on_query

# Page cache key for what shows stories outside their index (an activity, the home page): renewed
# when any story is published, unpublished, moved or deleted.
STORY_DEPENDENCY = "model:stories.storypage"


class StoryPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "stories.StoryPage", related_name="tagged_items", on_delete=models.CASCADE
    )

    class Meta:
        db_table = "pages_storypagetag"  # the table from before stories had an app of their own
        verbose_name = "emne på en fortælling"
        verbose_name_plural = "emner på fortællinger"


class StoryPageQuerySet(PageQuerySet):
    def newest_first(self):
        return self.order_by("-date", "-pk")

    def with_activity(self):
        """With the linked activity in the same query, and whether visitors may see it."""
        private = models.Q(pk__in=[])  # never true
        for section in restricted_paths():
            private |= models.Q(activity__path__startswith=section)
        return self.select_related("activity").annotate(
            activity_is_public=models.ExpressionWrapper(~private, models.BooleanField())
        )


class StoryPage(PicturedPage, BasePage):
    """A fortælling, reportage or prøvehandling: what happened, told by someone who was there."""

    class Kind(models.TextChoices):
        FORTAELLING = "fortaelling", "Fortælling"
        REPORTAGE = "reportage", "Reportage"
        PROEVEHANDLING = "proevehandling", "Prøvehandling"

    kind = models.CharField("slags", max_length=20, choices=Kind, default=Kind.FORTAELLING)
    date = models.DateField(
        "dato",
        default=timezone.localdate,
        help_text="Hvornår det skete. Oversigten viser de nyeste fortællinger først.",
    )
    author = models.CharField(
        "forfatter", max_length=200, help_text="Hvem der fortæller, fx 'Mette Hansen, Haslev'."
    )
    activity = models.ForeignKey(
        "activities.ActivityPage",
        verbose_name="fra aktiviteten",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="stories",
        help_text="Den aktivitet, fortællingen er fra (valgfri). Fortællingen vises så også på "
        "aktivitetens side.",
    )
    tags = ClusterTaggableManager(
        verbose_name="emner",
        through=StoryPageTag,
        blank=True,
        help_text="Fx temadag, LederForum. Oversigten kan vise fortællingerne om ét emne.",
    )
    content_panels = BasePage.content_panels[:1] + [
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldRowPanel([FieldPanel("date"), FieldPanel("author")]),
                PageChooserPanel("activity", "activities.ActivityPage"),
                FieldPanel("tags"),
            ],
            heading="Om fortællingen",
        ),
        picture_panel(),
        *BasePage.content_panels[1:],
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("author"),
        index.SearchField("get_kind_display"),
        index.RelatedFields("tags", [index.SearchField("name")]),
    ]
    parent_page_types = ["stories.StoryIndexPage"]
    subpage_types: list[str] = []
    show_in_menus_default = False

    objects = PageManager.from_queryset(StoryPageQuerySet)()

    class Meta:
        db_table = "pages_storypage"  # the table from before stories had an app of their own
        verbose_name = "fortælling"
        verbose_name_plural = "fortællinger"

    def save(self, *args, **kwargs):
        result = super().save(*args, **kwargs)
        # Wagtail indexes a page when it is saved, before modelcluster stores its tags: index it
        # again, so that search finds a story by the tags it was just published with.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "tags" in update_fields:
            index.insert_or_update_object(self)
        return result

    def linked_activity(self) -> Page | None:
        """The activity this story is from, while visitors can see it."""
        if not self.activity_id:
            return None
        # Shown with its title, and only while it is live: renewed when it changes.
        depends_on(f"page:{self.activity_id}")
        if hasattr(self, "activity_is_public"):  # found by StoryPageQuerySet.with_activity()
            activity = self.activity
            return activity if activity.live and self.activity_is_public else None
        return Page.objects.live().filter(public_q(), pk=self.activity_id).first()

    def structured_data(self, request) -> dict:
        """schema.org Article, for search engines; its publisher is the organisation that every
        page's head describes."""
        organisation = {"@id": organisation_id(request.build_absolute_uri("/"))}
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": self.title,
            "datePublished": self.date.isoformat(),
            "author": {"@type": "Person", "name": self.author} if self.author else organisation,
            "publisher": organisation,
            "inLanguage": "da",
            "mainEntityOfPage": request.build_absolute_uri(self.get_url(request)),
        }
        if self.last_published_at:
            modified = timezone.localtime(self.last_published_at).replace(microsecond=0)
            data["dateModified"] = modified.isoformat()
        if picture := self.page_picture:
            data["image"] = picture.for_sharing(request)["url"]
        if description := self.summary:
            data["description"] = description
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["activity"] = self.linked_activity()
        context["index"] = self.get_parent()  # no query when routed through the index
        context["tags"] = list(self.tags.order_by("name"))
        return context


def prepare_story_cards(stories) -> list[StoryPage]:
    """Stories ready for stories/story_cards.html, their images' renditions fetched in one query
    however many stories there are. Pass stories selected with their picture."""
    stories = list(stories)
    images = [story.picture for story in stories if story.picture_id]
    prefetch_related_objects(images, "renditions")
    depends_on(*(f"image:{image.pk}" for image in images))
    return stories


def _public_stories():
    return StoryPage.objects.live().filter(public_q()).select_related("picture")


def stories_about(activity_page: Page) -> list[StoryPage]:
    """The live stories from this activity, newest first, for the activity's page to show with
    stories/story_cards.html. The page showing them is renewed whenever a story changes."""
    depends_on(STORY_DEPENDENCY)
    return prepare_story_cards(_public_stories().filter(activity=activity_page.pk).newest_first())


def newest_stories(limit: int = 3) -> list[StoryPage]:
    """The newest live stories, e.g. for the home page (stories/story_cards.html)."""
    depends_on(STORY_DEPENDENCY)
    return prepare_story_cards(_public_stories().newest_first()[:limit])


class StoryIndexPage(RoutablePageMixin, BasePage):
    """Fortællinger: the stories, newest first, by tag, a page at a time, and as an RSS feed."""

    per_page = 12
    feed_length = 20
    FEED_DESCRIPTION = (
        "Fortællinger, reportager og prøvehandlinger fra Faxe i Fællesskab, "
        "kulturudviklingsprocessen i Faxe Kommune."
    )

    parent_page_types = ["home.HomePage"]
    subpage_types = ["stories.StoryPage"]
    max_count = 1

    class Meta:
        db_table = "pages_storyindexpage"  # the table from before stories had an app of their own
        verbose_name = "fortællingsoversigt"
        verbose_name_plural = "fortællingsoversigter"

    def stories(self) -> StoryPageQuerySet:
        """The live, public stories in this index, newest first."""
        return StoryPage.objects.child_of(self).live().filter(public_q()).newest_first()

    def tags_in_use(self):
        """The tags of this index's stories, alphabetically."""
        return (
            Tag.objects.filter(stories_storypagetag_items__content_object__in=self.stories())
            .distinct()
            .order_by("name")
        )

    def route(self, request, path_components):
        # Wagtail finds a child in two queries (the page, then its specific type). The children
        # here are stories: one query finds the story with its image and activity.
        if path_components:
            try:
                self.resolve_subpage(f"/{'/'.join(path_components)}/")  # feed/ comes first
            except Http404:
                story = (
                    StoryPage.objects.child_of(self)
                    .filter(slug=path_components[0])
                    .select_related("picture")
                    .with_activity()
                    .first()
                )
                if story is not None:
                    story._cached_parent_obj = self  # as Wagtail does: get_parent() is free
                    return story.route(request, path_components[1:])
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        depends_on(f"children:{self.path}")
        stories = self.stories().select_related("picture")
        tags = list(self.tags_in_use())
        current_tag = None
        varies_on_query("tag")
        if "tag" in request.GET:
            current_tag = next((t for t in tags if t.slug == request.GET["tag"]), None)
            if current_tag is None:
                raise Http404("Intet emne med det navn.")
            stories = stories.filter(tags=current_tag)
        page_of_stories = _page_of(stories, requested_page(request), self.per_page)
        context.update(
            tags=tags,
            current_tag=current_tag,
            stories=prepare_story_cards(page_of_stories),
            page_of_stories=page_of_stories,
            pagination=page_links(
                page_of_stories, self.get_url(request), tag=current_tag.slug if current_tag else ""
            ),
        )
        return context

    @path("feed/", name="feed")
    def feed(self, request):
        """The newest stories as RSS 2.0, with absolute links for feed readers."""
        feed = feedgenerator.Rss201rev2Feed(
            title=f"{self.title} – Faxe i Fællesskab",
            link=request.build_absolute_uri(self.get_url(request)),
            description=self.FEED_DESCRIPTION,
            language="da",
            feed_url=request.build_absolute_uri(),
        )
        for story in self.stories().prefetch_related("tags")[: self.feed_length]:
            feed.add_item(
                title=story.title,
                link=request.build_absolute_uri(story.get_url(request)),
                description=story.introduction,
                pubdate=datetime.datetime.combine(
                    story.date, datetime.time(), tzinfo=timezone.get_current_timezone()
                ),
                # Stable across renames and moves: the page's own UUID.
                unique_id=f"urn:uuid:{story.translation_key}",
                unique_id_is_permalink=False,
                author_name=story.author,
                categories=[tag.name for tag in story.tags.all()],
            )
        response = HttpResponse(content_type="application/rss+xml; charset=utf-8")
        feed.write(response, "utf-8")
        return response


def _page_of(stories, number: int, per_page: int) -> PaginatorPage:
    """One page of stories, counted in the same query (a window function) rather than a second
    one; Http404 for a page past the last (base.pagination's rule)."""
    start = (number - 1) * per_page
    rows = list(stories.annotate(total=Window(Count("pk")))[start : start + per_page])
    if not rows and number > 1:
        raise Http404(NOT_FOUND)
    paginator = Paginator(stories, per_page)
    paginator.count = rows[0].total if rows else 0
    return PaginatorPage(rows, number, paginator)
