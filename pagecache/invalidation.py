"""What renews which dependency keys of the page cache (pagecache/cache.py): publishing,
unpublishing, moving and deleting pages; saving snippets (for snippets with drafts: publishing,
unpublishing and deleting them, not saving a draft), images, sites, settings and view
restrictions. Connected in PageCacheConfig.ready()."""

from .cache import PAGES, SITE, invalidate


def _page_keys(page) -> list[str]:
    keys = [
        f"page:{page.pk}",
        f"model:{page.specific_class._meta.label_lower}",
        f"children:{page.path[: -page.steplen]}",
        PAGES,
    ]
    if page.depth == 3:  # a section below the home page: the main menu may show it
        keys.append("menu")
    return keys


def page_changed(sender, instance, **kwargs):
    invalidate(*_page_keys(instance))


def page_url_changed(sender, instance, **kwargs):
    # Links to the page from anywhere now point elsewhere.
    invalidate(*_page_keys(instance), SITE)


def page_deleted(sender, instance, **kwargs):
    from wagtail.models import Page

    if isinstance(instance, Page):
        invalidate(*_page_keys(instance), SITE)


def model_changed(sender, instance, **kwargs):
    invalidate(f"model:{sender._meta.label_lower}")


# What saving a draft (a revision) or locking writes to a snippet's row: nothing visitors see.
DRAFT_FIELDS = frozenset(
    {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
)


def live_snippet_saved(sender, instance, update_fields=None, **kwargs):
    """A snippet with drafts (DraftStateMixin): its row holds what visitors see only while it is
    live. Publishing (now, scheduled or a revert) saves the live row; a draft of a live snippet
    writes only DRAFT_FIELDS, and a new or unpublished snippet's draft saves a row that is not
    live. Unpublishing saves a row that is no longer live: `unpublished` covers it."""
    if instance.live and not (update_fields and set(update_fields) <= DRAFT_FIELDS):
        model_changed(sender, instance)


def image_changed(sender, instance, **kwargs):
    invalidate(f"image:{instance.pk}")


def site_changed(sender, instance, **kwargs):
    invalidate(SITE)


def restriction_changed(sender, instance, **kwargs):
    # A page made private must leave the cache at once, with everything that shows or links it
    # (its section's listings, the menu, the search): only the whole site covers all of them.
    invalidate(SITE)


def connect_invalidation() -> None:
    from django.db.models.signals import post_delete, post_save
    from wagtail.contrib.settings.models import BaseSiteSetting
    from wagtail.images import get_image_model
    from wagtail.models import DraftStateMixin, PageViewRestriction, Site
    from wagtail.signals import (
        page_published,
        page_slug_changed,
        page_unpublished,
        post_page_move,
        unpublished,
    )
    from wagtail.snippets.models import get_snippet_models

    page_published.connect(page_changed, dispatch_uid="pagecache-published")
    page_unpublished.connect(page_changed, dispatch_uid="pagecache-unpublished")
    page_slug_changed.connect(page_url_changed, dispatch_uid="pagecache-slug")
    post_page_move.connect(page_url_changed, dispatch_uid="pagecache-move")
    post_delete.connect(page_deleted, dispatch_uid="pagecache-page-deleted")
    for model in get_snippet_models():
        post_delete.connect(model_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        if issubclass(model, DraftStateMixin):
            post_save.connect(live_snippet_saved, sender=model, dispatch_uid=f"pagecache-{model}")
            unpublished.connect(model_changed, sender=model, dispatch_uid=f"pagecache-{model}")
        else:
            post_save.connect(model_changed, sender=model, dispatch_uid=f"pagecache-{model}")
    image = get_image_model()
    for signal in (post_save, post_delete):
        signal.connect(image_changed, sender=image, dispatch_uid=f"pagecache-image-{signal}")
        signal.connect(site_changed, sender=Site, dispatch_uid=f"pagecache-site-{signal}")
        signal.connect(
            restriction_changed,
            sender=PageViewRestriction,
            dispatch_uid=f"pagecache-restriction-{signal}",
        )
    for setting in BaseSiteSetting.__subclasses__():
        post_save.connect(site_changed, sender=setting, dispatch_uid=f"pagecache-{setting}")
