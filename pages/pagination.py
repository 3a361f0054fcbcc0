"""Page links for a paginated listing (stories, activities, search results): one shape for the
one template, templates/includes/pagination.html."""

from collections.abc import Callable

from django.core.paginator import Page


def page_links(page: Page, url: Callable[[int], str]) -> dict:
    """Previous, next and numbered page links (None for a gap) and "Side 2 af 5"; `url(number)`
    gives a page's address, keeping the listing's filters."""
    paginator, number = page.paginator, page.number
    gap = paginator.ELLIPSIS
    return {
        "status": f"Side {number} af {paginator.num_pages}",
        "previous": url(number - 1) if page.has_previous() else None,
        "next": url(number + 1) if page.has_next() else None,
        "pages": [
            None if n == gap else {"number": n, "url": url(n), "current": n == number}
            for n in paginator.get_elided_page_range(number, on_each_side=2, on_ends=1)
        ],
    }
