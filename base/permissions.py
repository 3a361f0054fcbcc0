"""What editors may do to pages beyond Wagtail's group permissions: only superusers delete pages.

Wagtail 8 deletes a page for good (there is no trash), and its own rule lets anyone with change
and publish permission delete leaf pages. Editors take a page off the site by unpublishing it,
which loses nothing. Every page type of the site has PagePermissionsMixin (through
pages.models.SitePage), so the delete view, the bulk delete action, the listing's and the page
header's menus all ask this tester.
"""

from wagtail.models import PagePermissionTester


class SuperusersDeletePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        return self.user.is_superuser and super().can_delete(ignore_bulk=ignore_bulk)

    def can_move(self):
        # Wagtail allows a move to whoever may delete the page (even with its children): a move
        # takes the page away from one place. It loses nothing, so editors keep Wagtail's rule
        # for it; the destination's own rules (page types, add and publish rights) still apply.
        return super().can_delete(ignore_bulk=True)


class PagePermissionsMixin:
    """For every page model of the site (Wagtail looks permissions_for_user up on the specific
    class)."""

    def permissions_for_user(self, user):
        return SuperusersDeletePermissionTester(user, self)
