"""Pages of a listing (stories, activities, search results): which page a request asks for, and
the page links, in one shape for the one template, templates/includes/pagination.html.

One rule for every listing: `?side=N` names a page as the listing's own links write it (a whole
number from 1, no sign, no leading zero); anything else, or a page past the last, is the site's
404 page. A listing has one address per page, and a made-up number costs no database work.
"""

import re
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Page, Paginator
from django.http import Http404

from pagecache.cache import varies_on_query

PARAMETER = "side"
# Six digits: a million pages of ten is far beyond any listing here; longer is not a page.
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")
NOT_FOUND = "Siden findes ikke."


def requested_page(request) -> int:
    """The page number the request asks for: 1 without `?side=`; Http404 for anything that is
    not a page number."""
    varies_on_query(PARAMETER)
    value = request.GET.get(PARAMETER)
    if value is None:
        return 1
    if not PAGE_NUMBER.fullmatch(value):
        raise Http404(NOT_FOUND)
    return int(value)


def paginate(items, request, per_page: int) -> Page:
    """The page of `items` the request asks for; Http404 past the last page (an empty listing
    has its first page, which says so)."""
    try:
        return Paginator(items, per_page).page(requested_page(request))
    except EmptyPage:
        raise Http404(NOT_FOUND) from None


def listing_url(base_url: str, filters: dict, number: int = 1) -> str:
    """The address of a page of a listing: its filters (those with a value) and, after the first
    page, `?side=N`, so that each page of a listing has one address."""
    query = {name: value for name, value in filters.items() if value}
    if number > 1:
        query[PARAMETER] = number
    return f"{base_url}?{urlencode(query)}" if query else base_url


def page_links(page: Page, base_url: str, **filters) -> dict:
    """Previous, next and numbered page links (None for a gap) and "Side 2 af 5", each keeping
    the listing's filters."""
    paginator, number = page.paginator, page.number
    gap = paginator.ELLIPSIS

    def url(n: int) -> str:
        return listing_url(base_url, filters, n)

    return {
        "status": f"Side {number} af {paginator.num_pages}",
        "previous": url(number - 1) if page.has_previous() else None,
        "next": url(number + 1) if page.has_next() else None,
        "pages": [
            None if n == gap else {"number": n, "url": url(n), "current": n == number}
            for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
        ],
    }
