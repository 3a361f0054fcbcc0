"""The Papirkurv: deleting a page in the admin moves it here, with its subpages, for
settings.TRASH_RETENTION_DAYS (90) days; the Procesleder restores it, superusers delete it for good
earlier, and `manage.py purge_trash` deletes what has waited longer.

Where trashed pages live. The Papirkurv is a page outside every site: an unpublished child of the
tree's root (slug "papirkurv", made by migration 0002, or here if it is missing). A trashed page
is moved below it, so no site's routing reaches it (404, also for its subpages and its
calendar/feed routes), and Wagtail's automatic redirects are not made (Wagtail makes them only
for a move within one site). Besides, everything the move would leave pointing at the page while
it waits is set aside, recorded on its TrashedPage row and put back by a restore:
- its pages are unpublished (live=False, their live revisions kept): every query of published
  pages (menus, listings, search, sitemap, feeds, calendars, the stories of an activity) leaves
  them out without knowing of the trash, and a restore publishes again exactly those that were;
- its scheduled publications are cancelled, so Wagtail's publish_scheduled does not publish a
  page inside the trash;
- the redirects that led to its pages lead nowhere (a redirect without a target is a 404), and
  nobody can point a new one at it (the page chooser leaves the Papirkurv out);
- its slug gets its id appended, so pages trashed from different places never clash there.
The admin hides the Papirkurv page from the explorer and the page chooser; the Procesleder has
no rights outside the home page, so their admin search never finds trashed pages; superusers'
search does (the parent column says "Papirkurv"), but base/permissions.py refuses edits,
publishing, moves and copies of a trashed page to everyone.

The page cache: moving a page renews the whole site's keys (pagecache/invalidation.py, as its
URL changes), and so do trashing and restoring here, explicitly: every page that showed or linked
the page (menus, listings, the home page, search results) is rendered anew.

Restoring puts the page back under its original parent, at its place among the siblings and with
its slug, with its live state, revisions (never touched), redirects and schedules. When the slug
is taken meanwhile, or the parent lies in the Papirkurv too, the restore is refused with a Danish
message saying what to do; when the parent was deleted for good, the page goes under the site's
home page if its type may live there, else the restore is refused.

Every change takes the Papirkurv's row lock first (SELECT ... FOR UPDATE on PostgreSQL; SQLite
has one writer at a time), then re-reads what it changes: two restores, or a trash and a restore,
of the same page at the same moment run one after the other, and the second finds the page
already where the first left it and says so.
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from wagtail.actions.delete_page import DeletePageAction
from wagtail.actions.move_page import MovePageAction
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Revision, Site

from base.permissions import TRASH_SLUG, in_trash
from pagecache.cache import PAGES, SITE, invalidate
from trash.models import TrashedPage


class Refused(Exception):
    """A Danish message for the editor: the operation changed nothing."""


def trash_root() -> Page:
    """The Papirkurv page, made if missing."""
    root = Page.get_first_root_node()
    found = root.get_children().filter(slug=TRASH_SLUG).first()
    if found is None:
        found = root.add_child(instance=Page(title="Papirkurv", slug=TRASH_SLUG, live=False))
    return found


def _lock() -> Page:
    """Take the Papirkurv's row lock for the rest of the transaction."""
    return Page.objects.select_for_update().get(pk=trash_root().pk)


def _location(page: Page) -> str:
    return " › ".join(page.get_ancestors().filter(depth__gte=2).values_list("title", flat=True))


def _home() -> Page | None:
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    return site.root_page if site else None


@transaction.atomic
def move_to_trash(page: Page, user=None) -> TrashedPage:
    """Move `page` and its subpages to the Papirkurv. The caller has checked the user's right
    (the tester's can_delete)."""
    papirkurv = _lock()
    page = Page.objects.select_for_update().filter(pk=page.pk).first()
    if page is None:
        raise Refused("Siden findes ikke længere.")
    if in_trash(page):
        raise Refused(f"Siden '{page.title}' ligger allerede i papirkurven.")
    if page.depth <= 2:
        raise Refused("Et websteds forside kan ikke lægges i papirkurven.")
    subtree = page.get_descendants(inclusive=True)
    ids = list(subtree.values_list("pk", flat=True))
    redirects = list(
        Redirect.objects.filter(redirect_page_id__in=ids).values_list("pk", "redirect_page_id")
    )
    scheduled = Revision.page_revisions.filter(
        object_id__in=[str(pk) for pk in ids], approved_go_live_at__isnull=False
    )
    entry = TrashedPage.objects.create(
        page=page,
        parent=page.get_parent(),
        slug=page.slug,
        path=page.path,
        url=page.get_url() or "",
        location=_location(page),
        live_pages=list(subtree.filter(live=True).values_list("pk", flat=True)),
        redirects=[list(pair) for pair in redirects],
        schedules=[
            [pk, at.isoformat()] for pk, at in scheduled.values_list("pk", "approved_go_live_at")
        ],
        trashed_at=timezone.now(),
        trashed_by=user,
    )
    Redirect.objects.filter(pk__in=[pk for pk, _ in redirects]).update(redirect_page=None)
    scheduled.update(approved_go_live_at=None)
    Page.objects.filter(pk__in=ids).update(live=False)
    Page.objects.filter(pk=page.pk).update(slug=f"{page.slug}-{page.pk}"[-255:])
    MovePageAction(Page.objects.get(pk=page.pk), papirkurv, pos="last-child", user=user).execute(
        skip_permission_checks=True
    )
    invalidate(SITE, PAGES)
    return entry


def restore_refusal(entry: TrashedPage, user) -> str | None:
    """Why `user` cannot restore the entry now, in Danish; None when they can."""
    try:
        _destination(entry, user)
    except Refused as refusal:
        return str(refusal)
    return None


def _destination(entry: TrashedPage, user) -> tuple[Page, str]:
    """The parent to restore under, and a note for the editor when it is not the original."""
    parent, note = entry.parent, ""
    if parent is None:
        home = _home()
        if home is None or not entry.page.specific_class.can_exist_under(home.specific):
            raise Refused(
                f"Siden '{entry.page.title}' kan ikke gendannes: siden, den lå under, er slettet "
                "for altid, og den kan ikke ligge direkte under forsiden. Opret en ny side af "
                "samme slags, og kopiér indholdet over."
            )
        parent = home
        note = " Siden, den lå under, er slettet for altid, så den ligger nu under forsiden."
    elif in_trash(parent):
        top = TrashedPage.objects.filter(
            page__path__in=[
                parent.path[:n] for n in range(parent.steplen, len(parent.path) + 1, parent.steplen)
            ]
        ).first()
        raise Refused(
            f"Siden '{entry.page.title}' lå under '{parent.title}', som også ligger i "
            f"papirkurven. Gendan '{top.page.title if top else parent.title}' først."
        )
    permissions = parent.specific_deferred.permissions_for_user(user)
    if not permissions.can_add_subpage() or (
        entry.live_pages and not permissions.can_publish_subpage()
    ):
        raise Refused(
            f"Du har ikke rettigheder til at gendanne siden '{entry.page.title}' under "
            f"'{parent.title}'."
        )
    taken = parent.get_children().filter(slug=entry.slug).exclude(pk=entry.page_id).first()
    if taken is not None:
        raise Refused(_slug_taken(entry, taken))
    return parent, note


def _slug_taken(entry: TrashedPage, taken: Page) -> str:
    return (
        f"Siden '{entry.page.title}' kan ikke gendannes, fordi adressen {entry.url or entry.slug} "
        f"nu bruges af siden '{taken.title}'. Giv den side et andet kort navn (slug) under "
        "Promovering, eller flyt den, og gendan så igen."
    )


@transaction.atomic
def restore(entry_pk: int, user) -> str:
    """Put the trashed page back; the Danish success message."""
    _lock()
    entry = TrashedPage.objects.select_for_update().filter(pk=entry_pk).first()
    if entry is None:
        raise Refused("Siden er allerede gendannet eller slettet for altid.")
    parent, note = _destination(entry, user)
    Page.objects.filter(pk=entry.page_id).update(slug=entry.slug)
    page = Page.objects.get(pk=entry.page_id)
    following = None
    if parent.pk == entry.parent_id:
        following = parent.get_children().filter(path__gt=entry.path).order_by("path").first()
    move = (
        MovePageAction(page, following, pos="left", user=user)
        if following
        else MovePageAction(page, parent, pos="last-child", user=user)
    )
    try:
        move.execute(skip_permission_checks=True)
    except ValidationError:  # the slug was taken between the check and the move
        taken = parent.get_children().filter(slug=entry.slug).exclude(pk=page.pk).first()
        raise Refused(_slug_taken(entry, taken or page)) from None
    page = Page.objects.get(pk=entry.page_id)
    subtree = page.get_descendants(inclusive=True)
    subtree.filter(pk__in=entry.live_pages).update(live=True)
    for redirect_pk, page_pk in entry.redirects:
        if (target := subtree.filter(pk=page_pk).first()) is not None:
            # Unless an editor gave it another target meanwhile.
            Redirect.objects.filter(pk=redirect_pk, redirect_page=None, redirect_link="").update(
                redirect_page=target
            )
    for revision_pk, moment in entry.schedules:
        Revision.page_revisions.filter(pk=revision_pk).update(approved_go_live_at=moment)
    entry.delete()
    invalidate(SITE, PAGES)
    url = page.get_url() or ""
    return (
        f"Siden '{page.title}' er gendannet" + (f" og ligger igen på {url}." if url else ".") + note
    )


@transaction.atomic
def delete_for_good(entry_pk: int, user=None) -> str:
    """Delete the trashed page and its subpages for good; their title."""
    _lock()
    entry = TrashedPage.objects.select_for_update().filter(pk=entry_pk).first()
    if entry is None:
        raise Refused("Siden er allerede gendannet eller slettet for altid.")
    page = Page.objects.get(pk=entry.page_id).specific
    title = page.title
    orphans = [pk for pk, _ in entry.redirects]
    DeletePageAction(page, user=user).execute(skip_permission_checks=True)
    # The redirects set aside for the page would otherwise stay, leading nowhere.
    Redirect.objects.filter(pk__in=orphans, redirect_page=None, redirect_link="").delete()
    return title


def purge(now=None) -> int:
    """Delete for good what has been in the Papirkurv longer than TRASH_RETENTION_DAYS; how
    many trashed pages (each with its subpages)."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.TRASH_RETENTION_DAYS)
    deleted = 0
    for pk in TrashedPage.objects.filter(trashed_at__lt=cutoff).values_list("pk", flat=True):
        try:
            delete_for_good(pk)
        except Refused:  # restored or deleted meanwhile
            continue
        deleted += 1
    return deleted
