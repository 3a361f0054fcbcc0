"""One row per page moved to the Papirkurv (with its subpages): where it was and what the move
changed, so that a restore puts all of it back (trash/operations.py)."""

from datetime import timedelta

from django.conf import settings
from django.db import models


class TrashedPage(models.Model):
    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="+", verbose_name="side"
    )
    # Where it lay: its parent (gone if that was deleted for good), its slug and its tree path
    # (its place among its siblings), and for people its address and its parents' titles.
    parent = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="oprindelig overordnet side",
    )
    slug = models.SlugField("kort navn", max_length=255, allow_unicode=True)
    path = models.CharField(max_length=255)
    url = models.CharField("adresse", max_length=2000, blank=True)
    location = models.CharField("oprindelig placering", max_length=2000, blank=True)
    # What the move changed, to be undone on a restore: the pages of the subtree that were
    # published, the redirects that led to them ([redirect id, page id]) and the scheduled
    # publications of their revisions ([revision id, ISO time]).
    live_pages = models.JSONField(default=list)
    redirects = models.JSONField(default=list)
    schedules = models.JSONField(default=list)
    trashed_at = models.DateTimeField("slettet", db_index=True)
    trashed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="slettet af",
    )

    class Meta:
        verbose_name = "side i papirkurven"
        verbose_name_plural = "sider i papirkurven"
        ordering = ["-trashed_at", "-pk"]

    def __str__(self):
        return self.page.title

    @property
    def purge_at(self):
        """When manage.py purge_trash deletes it for good."""
        return self.trashed_at + timedelta(days=settings.TRASH_RETENTION_DAYS)
