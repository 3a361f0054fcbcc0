"""The sign-ups in the admin: the procesleder lists them, filters them by activity, corrects or
deletes them, and downloads them as CSV or Excel."""

from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .signups import SignUp

# A cell that starts with one of these is read as a formula by spreadsheet programs; a visitor
# could type one into the sign-up form (CSV injection). Wagtail guards its Excel export, not CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A CSV cell that a spreadsheet shows as the text typed, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SignUpIndexView(IndexView):
    def get_base_queryset(self):
        # Each row names its activity: fetch them in the same query.
        return super().get_base_queryset().select_related("activity")

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return as_text(value) if export_format == self.FORMAT_CSV else value


class SignUpViewSet(ModelViewSet):
    model = SignUp
    index_view_class = SignUpIndexView
    icon = "group"
    menu_label = "Tilmeldinger"
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    form_fields = ["activity", "name", "email", "workplace", "comment", "status"]
    list_display = ["name", "email", "workplace", "activity", "status", "created"]
    list_filter = ["activity", "status"]
    ordering = ["activity", "created"]
    search_fields = ["name", "email", "workplace"]
    list_export = [
        "activity",
        "activity_when",
        "name",
        "email",
        "workplace",
        "comment",
        "get_status_display",
        "created_local",
    ]
    export_headings = {"get_status_display": "Status"}
    export_filename = "tilmeldinger"


@hooks.register("register_admin_viewset")
def register_signup_viewset():
    return SignUpViewSet("tilmeldinger")
