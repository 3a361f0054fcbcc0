"""The query budget: how many queries a page may take to render without the page cache."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page

from pagecache.cache import invalidate

BUDGET = 12


def uncached_queries(client, url, django_assert_max_num_queries, page=None) -> int:
    """Queries for rendering the page without the page cache, as after publishing it: Wagtail's
    own caches (site root paths, renditions) and the shared menu and footer stay warm."""
    client.get(url)
    page = page or Page.objects.get(url_path="/forside" + url)
    invalidate(f"page:{page.pk}")
    with CaptureQueriesContext(connection) as queries, django_assert_max_num_queries(BUDGET):
        response = client.get(url)
    assert response.status_code == 200 and response["X-Cache"] == "MISS"
    return len(queries.captured_queries)
