"""The sign-ups in the admin: the procesleder lists them, filters them by activity and status,
corrects or deletes them (a deleted confirmed sign-up's seat goes to the waiting list), and
downloads what the filters show as CSV or Excel, in the form Danish Excel opens as it is."""

from django.utils import formats, timezone
from django.utils.functional import cached_property
from wagtail import hooks
from wagtail.admin.views.generic import DeleteView, IndexView, InspectView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from spreadsheets.danish import DanishSpreadsheetMixin

from .signups import SignUp, freeing_seats


class SignUpIndexView(DanishSpreadsheetMixin, IndexView):
    sheet_title = "Tilmeldinger"

    def get_base_queryset(self):
        # Each row names its activity: fetch them in the same query.
        return super().get_base_queryset().select_related("activity")

    @cached_property
    def header_buttons(self):
        """The downloads in the header, in Danish, where Wagtail hides them in its menu."""
        return [
            *super().header_buttons,
            HeaderButton("Hent som Excel", url=self.xlsx_export_url, icon_name="download"),
            HeaderButton("Hent som CSV", url=self.csv_export_url, icon_name="download"),
        ]

    @cached_property
    def header_more_buttons(self):
        exports = {self.xlsx_export_url, self.csv_export_url}
        return [button for button in super().header_more_buttons if button.url not in exports]

    def get_export_url(self, format):
        # The listing's address with its filters, also when the header is drawn anew for
        # filters chosen on the page (then the request is for the results' address).
        params = self.request.GET.copy()
        params.pop("_w_filter_fragment", None)
        params["export"] = format
        return self.index_url + "?" + params.urlencode()


class SignUpDeleteView(DeleteView):
    def delete_action(self):
        """Wagtail's deletion (logged), under the activity's row lock; the seat it frees goes to
        the first on the waiting list, who is e-mailed."""
        with freeing_seats(self.object.activity_id, self.request.build_absolute_uri("/")):
            super().delete_action()


class SignUpInspectView(InspectView):
    def get_created_display_value(self) -> str:
        """In Danish time: Wagtail shows the stored moment as it is, in UTC."""
        return formats.date_format(timezone.localtime(self.object.created), "DATETIME_FORMAT")


class SignUpViewSet(ModelViewSet):
    model = SignUp
    index_view_class = SignUpIndexView
    delete_view_class = SignUpDeleteView
    inspect_view_class = SignUpInspectView
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
