"""Who may see what: the condition that keeps pages in private sections (those with a view
restriction) out of every listing, the search, the menu and the sitemap."""

from django.db import models
from wagtail.models import PageViewRestriction

from pagecache.cache import cached_data


def restricted_paths() -> list[str]:
    """The tree paths of the private sections (pages with a view restriction): few or none, kept
    in the cache until a restriction changes (that renews the whole site's cache key)."""
    return cached_data(
        "restricted_paths",
        (),
        lambda: list(PageViewRestriction.objects.values_list("page__path", flat=True).distinct()),
    )


def public_q() -> models.Q:
    """Pages outside any private section, as a plain condition on the page's own path: it uses
    no subquery, so the database can use its indexes for the rest of the query (a correlated
    subquery here made the search scan every page once per match). Wagtail's
    PageQuerySet.public() costs a query of its own each time it is used."""
    return outside_sections(restricted_paths())


def outside_sections(paths) -> models.Q:
    """Pages in none of the sections whose tree paths are given (each page and all below it)."""
    condition = models.Q()
    for section in paths:
        condition &= ~models.Q(path__startswith=section)
    return condition
