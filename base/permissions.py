"""What editors may do to pages beyond Wagtail's group permissions: "Slet" moves a page to the
Papirkurv, and a page in the Papirkurv is left alone until it is restored.

Wagtail 8 deletes a page for good; on this site its delete view, the bulk delete action and the
menus that offer them move the page and its subpages to the Papirkurv instead (the trash app),
from where the Procesleder restores them for 90 days. So "may delete" here means "may move to the
Papirkurv": the Procesleder may do it with a page and all its subpages (Wagtail's own rule without
its bulk-delete condition: what is trashed is not lost), nobody may do it with a site's home page,
and deleting for good is the superusers' right, in the Papirkurv only.

The Papirkurv is a page outside every site, the root's child with the slug TRASH_SLUG: its pages
have a url_path under TRASH_URL_PATH, no site serves them, and nobody edits, publishes, moves or
copies them while they are there. Every page type of the site has PagePermissionsMixin (through
base.models.SitePage), so the admin's views and menus all ask this tester.
"""

from wagtail.models import PagePermissionTester

TRASH_SLUG = "papirkurv"
TRASH_URL_PATH = f"/{TRASH_SLUG}/"


def in_trash(page) -> bool:
    """Whether the page lies in the Papirkurv (below its container): no query needed. A page
    being created has no depth yet."""
    return (page.depth or 0) > 2 and (page.url_path or "").startswith(TRASH_URL_PATH)


class SitePagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        # A site's home page (depth 2) holds the whole site: no site is moved to the trash.
        if (self.page.depth or 0) <= 2 or in_trash(self.page):
            return False
        return super().can_delete(ignore_bulk=True)

    def can_move(self):
        # Wagtail allows a move to whoever may delete the page (even with its children): a move
        # takes the page away from one place. It loses nothing, so editors keep Wagtail's rule
        # for it; the destination's own rules (page types, add and publish rights) still apply.
        return not in_trash(self.page) and super().can_delete(ignore_bulk=True)

    # A page in the Papirkurv is restored as it was trashed (trash/operations.py): nothing
    # changes it meanwhile, also not for superusers who find it through the admin's search.
    def can_edit(self):
        return not in_trash(self.page) and super().can_edit()

    def can_publish(self):
        return not in_trash(self.page) and super().can_publish()

    def can_unpublish(self):
        return not in_trash(self.page) and super().can_unpublish()

    def can_add_subpage(self):
        return not in_trash(self.page) and super().can_add_subpage()

    def can_copy(self):
        return not in_trash(self.page) and super().can_copy()

    def can_lock(self):
        return not in_trash(self.page) and super().can_lock()

    def can_set_view_restrictions(self):
        return not in_trash(self.page) and super().can_set_view_restrictions()


class PagePermissionsMixin:
    """For every page model of the site (Wagtail looks permissions_for_user up on the specific
    class)."""

    def permissions_for_user(self, user):
        return SitePagePermissionTester(user, self)
