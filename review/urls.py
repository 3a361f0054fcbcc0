from django.urls import path

from .reports import PagesToReviewReport
from .views import reviewed

app_name = "review"
urlpatterns = [
    path("", PagesToReviewReport.as_view(), name="report"),
    path("results/", PagesToReviewReport.as_view(results_only=True), name="report_results"),
    path("<int:page_id>/reviewed/", reviewed, name="reviewed"),
]
