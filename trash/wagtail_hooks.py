"""The Papirkurv in Wagtail's admin: "Slet" (the page's action menu, the listing's menus, the bulk
action bar) moves pages there, the menu leads to it, and the explorer and page chooser leave it
out."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.auth import permission_denied
from wagtail.admin.menu import MenuItem

from trash import urls, views
from trash.bulk_actions import TrashBulkAction
from trash.operations import trash_root


@hooks.register("before_delete_page")
def trash_instead_of_deleting(request, page):
    # Wagtail's delete view has checked can_delete (base/permissions.py); the Papirkurv page
    # itself is no SitePage and is never deleted from here.
    if page.depth <= 2:
        return permission_denied(request)
    return views.confirm_trash(request, page)


# After Wagtail's own bulk delete (order), which this replaces under the same action type.
hooks.register("register_bulk_action", TrashBulkAction, order=1)


@hooks.register("register_admin_urls")
def trash_urls():
    return [path("papirkurv/", include(urls, namespace="trash"))]


class TrashMenuItem(MenuItem):
    def is_shown(self, request):
        return views.may_use_trash(request.user)


@hooks.register("register_admin_menu_item")
def trash_menu_item():
    return TrashMenuItem("Papirkurv", reverse("trash:index"), icon_name="bin", order=150)


# By path: it is one of the fields Wagtail's search may filter on (explorer and chooser searches).
@hooks.register("construct_explorer_page_queryset")
def hide_the_trash_from_the_explorer(parent_page, pages, request):
    return pages.exclude(path__startswith=trash_root().path)


@hooks.register("construct_page_chooser_queryset")
def hide_the_trash_from_the_chooser(pages, request):
    return pages.exclude(path__startswith=trash_root().path)
