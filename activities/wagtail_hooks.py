"""The sign-ups in the admin: the procesleder lists them, filters them by activity, corrects or
deletes them, and downloads them as CSV or Excel."""

from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from .models import SignUp


class SignUpIndexView(IndexView):
    def get_base_queryset(self):
        # Each row names its activity: fetch them in the same query.
        return super().get_base_queryset().select_related("activity")


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
