"""Two restores of the same trashed page at the same moment, and a trash and a restore of it at
the same moment, each in its own thread and database connection: one wins, the other is told in
Danish, and the page tree stays whole (treebeard's paths, numchild and url_paths agree). On
PostgreSQL the Papirkurv's row lock orders them; on SQLite one writer at a time does."""

import pytest
from wagtail.models import Page

from pages.models import ContentPage
from tests.support.concurrency import at_once
from trash.models import TrashedPage
from trash.operations import Refused, move_to_trash, restore


def tree_problems() -> list[str]:
    """Counts of children, url_paths and paths that do not agree with the tree."""
    problems = []
    for page in Page.objects.all():
        children = Page.objects.filter(path__startswith=page.path, depth=page.depth + 1).count()
        if children != page.numchild:
            problems.append(f"{page.title}: numchild {page.numchild}, children {children}")
        if page.depth > 1:
            parent = page.get_parent()
            if page.url_path != f"{parent.url_path}{page.slug}/":
                problems.append(f"{page.title}: url_path {page.url_path}")
    paths = list(Page.objects.values_list("path", flat=True))
    if len(paths) != len(set(paths)):
        problems.append("two pages share a path")
    return problems


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_restores_at_once_restore_once(procesleder):
    baggrund = ContentPage.objects.get(slug="baggrund")
    entry = move_to_trash(baggrund, procesleder)

    results = at_once(
        lambda: restore(entry.pk, procesleder), lambda: restore(entry.pk, procesleder)
    )

    assert sorted(type(result).__name__ for result in results) == ["Refused", "str"]
    assert "allerede gendannet" in str(next(r for r in results if isinstance(r, Refused)))
    page = Page.objects.get(pk=baggrund.pk)
    assert page.live and page.url_path == "/forside/baggrund/"
    assert not TrashedPage.objects.exists()
    assert tree_problems() == []


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_trashing_and_restoring_at_once_leave_the_tree_whole(procesleder):
    baggrund = ContentPage.objects.get(slug="baggrund")
    kontakt = Page.objects.get(slug="kontakt")
    entry = move_to_trash(baggrund, procesleder)

    # The page trashed again while it is restored, and another page trashed meanwhile.
    results = at_once(
        lambda: restore(entry.pk, procesleder),
        lambda: move_to_trash(baggrund, procesleder),
        lambda: move_to_trash(kontakt, procesleder),
    )

    assert [type(result).__name__ for result in results][0] == "str"
    assert isinstance(results[2], TrashedPage)
    assert tree_problems() == []
    # Either the second trash came after the restore (the page is in the trash, with its row)
    # or before it (refused: it was there already), and the restore put it back.
    page = Page.objects.get(pk=baggrund.pk)
    if isinstance(results[1], Refused):
        assert page.live and page.url_path == "/forside/baggrund/"
        assert not TrashedPage.objects.filter(page=page).exists()
    else:
        assert not page.live and page.url_path.startswith("/papirkurv/")
        assert TrashedPage.objects.filter(page=page).exists()
    assert TrashedPage.objects.filter(page=kontakt).exists()
