"""The dashboard's first panel: the procesleder's everyday tasks, one click each."""

from dataclasses import dataclass

from django.urls import reverse
from wagtail.admin.auth import user_has_any_page_permission
from wagtail.admin.ui.components import Component

from activities.models import ActivityIndexPage, ActivityPage
from activities.signups import SignUp
from stories.models import StoryIndexPage, StoryPage


@dataclass
class Shortcut:
    label: str
    url: str
    icon: str


def add_child_url(index_model, child_model, user) -> str | None:
    """Where to create a child_model page under the site's index_model page, if the user may."""
    index = index_model.objects.first()
    if index is None or not index.permissions_for_user(user).can_add_subpage():
        return None
    meta = child_model._meta
    return reverse("wagtailadmin_pages:add", args=(meta.app_label, meta.model_name, index.pk))


def shortcuts_for(user) -> list[Shortcut]:
    shortcuts = []
    if url := add_child_url(StoryIndexPage, StoryPage, user):
        shortcuts.append(Shortcut("Skriv en fortælling", url, "doc-full"))
    if url := add_child_url(ActivityIndexPage, ActivityPage, user):
        shortcuts.append(Shortcut("Opret en aktivitet", url, "date"))
    if user.has_perm(f"{SignUp._meta.app_label}.view_signup"):
        shortcuts.append(Shortcut("Se tilmeldinger", reverse("tilmeldinger:index"), "group"))
    if user_has_any_page_permission(user):
        shortcuts.append(Shortcut("Sider til gennemgang", reverse("review:report"), "time"))
    shortcuts.append(Shortcut("Vejledning", reverse("editors_guide"), "help"))
    return shortcuts


class ShortcutsPanel(Component):
    name = "shortcuts"
    template_name = "editors/shortcuts_panel.html"
    order = 50  # before Wagtail's panels (its site summary is 100)

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        return {"shortcuts": shortcuts_for(self.user)}
