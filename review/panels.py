"""The dashboard's "Sider til gennemgang": the pages that fall to the user to review (their own,
and those with no owner or an owner who has left) whose date has passed or comes soon, each
with a link to edit it and the one-click "Marker som gennemgået"; the report has them all."""

from django.conf import settings
from django.db.models import Q
from django.middleware.csrf import get_token
from wagtail.admin.ui.components import Component
from wagtail.models import Page
from wagtail.permissions import policy_registry

from .models import display_name, due_label, pages_to_review


class PagesToReviewPanel(Component):
    name = "pages_to_review"
    template_name = "review/dashboard_panel.html"
    order = 150
    shown = 10

    def get_context_data(self, parent_context):
        request = parent_context["request"]
        user = request.user
        editable = policy_registry.get_by_type(Page).instances_user_has_permission_for(
            user, "change"
        )
        mine = Q(owner=user) | Q(owner__isnull=True) | Q(owner__is_active=False)
        pages = list(pages_to_review(editable.filter(mine))[: self.shown + 1])
        return {
            "rows": [
                {"page": page, "due": due_label(page.review.due), "owner": display_name(page.owner)}
                for page in pages[: self.shown]
            ],
            "more": len(pages) > self.shown,
            "soon_days": settings.PAGE_REVIEW_SOON_DAYS,
            "csrf_token": get_token(request),
            "next_url": request.get_full_path(),
            "request": request,
        }

    def render_html(self, parent_context=None):
        user = parent_context["request"].user
        if not policy_registry.get_by_type(Page).user_has_permission(user, "change"):
            return ""
        return super().render_html(parent_context)
