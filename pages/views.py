import html
import re
from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import strip_tags
from django.utils.text import Truncator
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page

from faxeif.cache import PAGES, depends_on, varies_on_query

from .models import SiteSettings, public_q
from .pagination import NOT_FOUND, page_links, paginate, requested_page


def accessibility_statement(request):
    """/was: the accessibility statement lives in the national WAS tool; its address is a setting
    so it can change without a deploy. Temporary redirect, since the target may change."""
    return redirect(SiteSettings.for_request(request).accessibility_statement_url)


# Site search, sitemap and robots.txt: how visitors and search engines find the pages.

# Longer queries are cut here: nobody types more, and it bounds the work a query can cause.
SEARCH_MAX_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10
SNIPPET_WORDS = 40


def search_terms(query: str) -> str:
    """The query's words only. Quotes, brackets and operators mean something to SQLite's FTS5
    and PostgreSQL's tsquery syntax (a lone '"' is an FTS5 syntax error), so only words reach
    the search backend (each once), which then matches every one of them."""
    return " ".join(dict.fromkeys(re.findall(r"\w+", query)))


def snippet(page) -> str:
    """What a result says about its page: the search description, else the introduction
    (plain text; the home page's introduction is rich text)."""
    text = page.search_description or getattr(page, "introduction", "") or ""
    return Truncator(html.unescape(strip_tags(text))).words(SNIPPET_WORDS)


def search(request):
    """/soeg/?q=...&side=2: every public, published page that holds all the query's words. On
    PostgreSQL the words are stemmed with the Danish text-search configuration (see
    WAGTAILSEARCH_BACKENDS), so "samskabelsen" finds "samskabelse"."""
    varies_on_query("q")
    query = " ".join(request.GET.get("q", "").split())
    too_long = len(query) > SEARCH_MAX_LENGTH
    if too_long:
        cut = query[:SEARCH_MAX_LENGTH]
        # Not half a word: drop what the cut split, unless the query is one long word.
        query = cut.rsplit(" ", 1)[0] if query[SEARCH_MAX_LENGTH] != " " and " " in cut else cut
    terms = search_terms(query)

    results = None
    if not terms:
        if requested_page(request) > 1:  # no query, no results: only the first page exists
            raise Http404(NOT_FOUND)
    else:
        # The search backend accepts only plain field filters, so the privacy condition goes
        # in as a subquery of ids: still one query, and a cheap one (no correlated subquery).
        public = Page.objects.filter(public_q()).values("pk")
        found = (
            Page.objects.live()
            .filter(pk__in=public)
            .defer_streamfields()
            .specific()
            .search(terms, operator="and")
        )
        # Two queries (count, this page of results) plus one per page type on the page.
        results = paginate(found, request, SEARCH_RESULTS_PER_PAGE)
        results.object_list = [
            {"title": page.title, "url": page.get_url(request), "snippet": snippet(page)}
            for page in results.object_list
        ]

    response = render(
        request,
        "search/search_page.html",
        {
            "query": query,
            "too_long": too_long,
            "max_length": SEARCH_MAX_LENGTH,
            "results": results,
            "pagination": page_links(results, search_page_url(query)) if results else None,
        },
    )
    # Results change with every publish anywhere, and only then.
    depends_on(PAGES)
    return response


def search_page_url(query: str):
    def url(number):
        return "?" + urlencode({"q": query, "side": number})

    return url


def below_published_pages_q() -> Q:
    """Pages whose ancestors are all published. Wagtail still serves a published page below an
    unpublished one (unpublishing a page may leave its children published), but its section is
    gone from the site: the sitemap leaves it out, as the breadcrumbs leave out the ancestor."""
    condition = Q()
    for path in Page.objects.filter(live=False, numchild__gt=0).values_list("path", flat=True):
        condition &= ~Q(path__startswith=path)
    return condition


class PageSitemap(Sitemap):
    """Every public, published page of the site, with its last publication. Addresses are built
    from the request's host and scheme (like canonical links), not from the Site record, which
    says "localhost" until an administrator changes it."""

    def items(self):
        return (
            self.get_wagtail_site()
            .root_page.get_descendants(inclusive=True)
            .live()
            .filter(public_q(), below_published_pages_q())
            .order_by("path")
        )

    def location(self, page):
        return page.get_url_parts(self.request)[2]

    # Django's own: it puts the request's scheme and host before location().
    _urls = DjangoSitemap._urls


def robots_txt(request):
    """Crawlers: everything but the admin and the search results, and where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /soeg/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
