"""The report "Sider til gennemgang" (Rapporter in the admin's menu): the published pages whose
review date has passed or comes within PAGE_REVIEW_SOON_DAYS, with owner and date, filtered by
owner and by overdue or coming, one click to mark each reviewed; downloaded as a Danish Excel
file or a CSV file that Danish Excel opens as it is (semicolons, UTF-8 with a byte-order mark)."""

import django_filters
from django.conf import settings
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.reports import PageReportView
from wagtail.models import Page

from spreadsheets.danish import DanishSpreadsheetMixin

from .models import display_name, due_label, editors, pages_to_review

OVERDUE, COMING = "forfalden", "kommende"


class PagesToReviewFilterSet(WagtailFilterSet):
    owner = django_filters.ModelChoiceFilter(
        label="Ejer",
        empty_label="Alle",
        null_label="Ingen ejer",
        field_name="owner",
        queryset=lambda request: editors(),
    )
    due = django_filters.ChoiceFilter(
        label="Gennemgang",
        empty_label="Forfaldne og kommende",
        choices=[
            (OVERDUE, "Forfaldne"),
            (COMING, f"Forfalder inden for {settings.PAGE_REVIEW_SOON_DAYS} dage"),
        ],
        method="filter_due",
    )

    class Meta:
        model = Page
        fields = ["owner", "due"]

    def filter_due(self, queryset, name, value):
        today = timezone.localdate()
        if value == OVERDUE:
            return queryset.filter(review__due__lt=today)
        if value == COMING:
            return queryset.filter(review__due__gte=today)
        return queryset


class ReviewedButtonColumn(Column):
    """The one-click "Marker som gennemgået", back to the report as it was filtered."""

    cell_template_name = "review/reviewed_button_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        request = parent_context["request"]
        query = request.GET.copy()
        query.pop("export", None)
        context.update(
            page=instance,
            csrf_token=get_token(request),
            next_url=reverse("review:report") + (f"?{query.urlencode()}" if query else ""),
        )
        return context


class PagesToReviewReport(DanishSpreadsheetMixin, PageReportView):
    page_title = sheet_title = "Sider til gennemgang"
    header_icon = "time"
    index_url_name = "review:report"
    index_results_url_name = "review:report_results"
    results_template_name = "wagtailadmin/reports/base_report_results.html"
    filterset_class = PagesToReviewFilterSet
    any_permission_required = ["add", "change", "publish"]
    no_results_message = (
        f"Ingen sider skal gennemgås inden for de næste {settings.PAGE_REVIEW_SOON_DAYS} dage."
    )
    columns = [
        TitleColumn(
            "title",
            label="Side",
            accessor="get_admin_display_title",
            url_name="wagtailadmin_pages:edit",
        ),
        Column("owner", label="Ejer", accessor=lambda page: display_name(page.owner)),
        Column("due", label="Næste gennemgang", accessor=lambda page: due_label(page.review.due)),
        ReviewedButtonColumn("reviewed", label="Handling"),
    ]
    export_filename = "sider-til-gennemgang"
    list_export = ["title", "owner", "due", "overdue", "url"]
    export_headings = {
        "title": "Side",
        "owner": "Ejer",
        "due": "Næste gennemgang",
        "overdue": "Forfalden",
        "url": "Adresse",
    }

    def get_queryset(self):
        self.queryset = pages_to_review(
            self.permission_policy.instances_user_has_permission_for(self.request.user, "change")
        )
        return super().get_queryset()

    @cached_property
    def header_more_buttons(self):
        labels = {
            self.xlsx_export_url: "Hent som Excel-fil (XLSX)",
            self.csv_export_url: "Hent som CSV-fil (til dansk Excel)",
        }
        buttons = super().header_more_buttons
        for button in buttons:
            button.label = labels.get(button.url, button.label)
        return buttons

    # The export: Danish headings (Wagtail's would be the field names), real dates.

    def to_row_dict(self, page):
        today = timezone.localdate()
        return {
            "title": page.get_admin_display_title(),
            "owner": display_name(page.owner),
            "due": page.review.due,
            "overdue": "Ja" if page.review.due < today else "Nej",
            "url": page.full_url or "",
        }
