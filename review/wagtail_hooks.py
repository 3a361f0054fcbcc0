"""Owners and review dates in the admin: the report and its menu item, the dashboard panel, the
one-click "Marker som gennemgået" in the page editor's header, and its entry in the page's
history."""

from django.urls import include, path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button
from wagtail.log_actions import LogFormatter
from wagtail.models import Page
from wagtail.permissions import policy_registry

from . import urls
from .models import REVIEWED
from .panels import PagesToReviewPanel


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("review/", include(urls, namespace="review"))]


class PagesToReviewMenuItem(MenuItem):
    def is_shown(self, request):
        return policy_registry.get_by_type(Page).user_has_permission(request.user, "change")


@hooks.register("register_reports_menu_item")
def register_pages_to_review_menu_item():
    return PagesToReviewMenuItem(
        "Sider til gennemgang",
        reverse("review:report"),
        name="pages-to-review",
        icon_name="time",
        order=1050,
    )


@hooks.register("construct_homepage_panels")
def add_pages_to_review_panel(request, panels):
    panels.append(PagesToReviewPanel())


@hooks.register("register_page_header_buttons")
def reviewed_button(page, user, view_name, next_url=None):
    """In the page editor's header menu (Handlinger): a POST through the admin's own action
    controller, which brings the editor back to the page."""
    if view_name == "edit" and page.live and page.permissions_for_user(user).can_edit():
        yield Button(
            "Marker som gennemgået",
            icon_name="tick",
            priority=25,
            attrs={
                "data-controller": "w-action",
                "data-action": "w-action#post",
                "data-w-action-url-value": reverse("review:reviewed", args=[page.pk]),
            },
        )


@hooks.register("register_log_actions")
def register_review_log_action(actions):
    @actions.register_action(REVIEWED)
    class Reviewed(LogFormatter):
        label = "Markér som gennemgået"

        def format_message(self, log_entry):
            due = (log_entry.data or {}).get("due", "")
            try:
                year, month, day = due.split("-")
            except ValueError:
                return "Markeret som gennemgået"
            return f"Markeret som gennemgået. Næste gennemgang: {day}.{month}.{year}"
