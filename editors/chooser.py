"""The page chooser (links in text, redirects, the link fields) opens at the site's home page.
Wagtail opens it at the tree's root ("Alle sider"), whose only child is the home page: a page
nobody can choose, one click before every choice."""

from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.chooser import BrowseView, base_page_type_string
from wagtail.models import Site


class BrowseFromHomeView(BrowseView):
    def get(self, request, parent_page_id=None):
        # Only where Wagtail would start at the root: no page given, any page type wanted (no
        # page_type, or the base page type by name, as the redirect form's chooser asks).
        any_type = request.GET.get("page_type") or base_page_type_string
        if parent_page_id is None and any_type == base_page_type_string:
            site = Site.find_for_request(request)  # falls back to the default site itself
            if site is not None:
                parent_page_id = site.root_page_id
        return super().get(request, parent_page_id)


# As Wagtail's admin URLs are wrapped: for editors only, never cached.
browse_from_home = never_cache(require_admin_access(BrowseFromHomeView.as_view()))
