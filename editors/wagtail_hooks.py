"""The help menu leads to the site's own guide; the dashboard opens with the procesleder's
shortcuts, without Wagtail's release notes."""

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem, SubmenuMenuItem

from . import views
from .dashboard import ShortcutsPanel

# Wagtail's help items that lead to its English pages on another host.
WAGTAILS_OWN_HELP = ("editor-guide", "whats-new-in-wagtail-")


@hooks.register("register_admin_urls")
def register_guide_url():
    return [path("vejledning/", views.GuideView.as_view(), name="editors_guide")]


@hooks.register("register_help_menu_item")
def register_guide_menu_item():
    return MenuItem(
        "Vejledning til redaktører",
        reverse("editors_guide"),
        icon_name="help",
        order=1000,
        name="guide",
    )


@hooks.register("construct_help_menu")
def remove_wagtails_own_help(request, menu_items):
    menu_items[:] = [item for item in menu_items if not item.name.startswith(WAGTAILS_OWN_HELP)]


@hooks.register("construct_homepage_panels")
def add_shortcuts_panel(request, panels):
    panels[:] = [
        panel for panel in panels if getattr(panel, "name", "") != "whats_new_in_wagtail_version"
    ]
    panels.insert(0, ShortcutsPanel(request.user))


@hooks.register("construct_page_action_menu")
@hooks.register("construct_snippet_action_menu")
def publish_first(menu_items, request, context):
    """Udgiv is the footer's visible button for whoever may publish, on pages and on the
    contacts alike; Gem kladde comes first under the arrow (and keeps its Ctrl+S). Wagtail
    shows Gem kladde and hides Udgiv."""
    publish = next((item for item in menu_items if item.name == "action-publish"), None)
    if publish is not None:
        menu_items.remove(publish)
        menu_items.insert(0, publish)


@hooks.register("construct_main_menu")
def settings_menu_without_wagtails_version(request, menu_items):
    """Wagtail's settings menu ends with "Wagtail v8.0.1": the procesleder gets the same menu
    without it (administrators keep it, for support)."""
    if request.user.is_superuser:
        return
    for index, item in enumerate(menu_items):
        if item.name == "settings":
            menu_items[index] = SubmenuMenuItem(
                item.label,
                item.menu,
                name=item.name,
                icon_name=item.icon_name,
                classname=item.classname,
                order=item.order,
                attrs=item.attrs,
            )
