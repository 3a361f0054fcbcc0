"""How visitors and search engines find the pages: the site search and robots.txt (the sitemap:
findability/sitemap.py; the head of every page: templatetags/seo_tags.py)."""

import re

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from wagtail.models import Page

from base.pagination import NOT_FOUND, page_links, paginate, requested_page
from base.privacy import public_q
from pagecache.cache import PAGES, depends_on, varies_on_query

# Longer queries are cut here: nobody types more, and it bounds the work a query can cause.
SEARCH_MAX_LENGTH = 200
SEARCH_RESULTS_PER_PAGE = 10
SUMMARY_WORDS = 40


def search_terms(query: str) -> str:
    """The query's words only. Quotes, brackets and operators mean something to SQLite's FTS5
    and PostgreSQL's tsquery syntax (a lone '"' is an FTS5 syntax error), so only words reach
    the search backend (each once), which then matches every one of them."""
    return " ".join(dict.fromkeys(re.findall(r"\w+", query)))


def public_pages():
    """Live pages outside the private sections. The search backend accepts only plain field
    filters, so the privacy condition goes in as a subquery of ids: still one query, and a cheap
    one (no correlated subquery). Without private sections (the usual case) there is no
    condition: the subquery then cost the search a lookup per hit (a fifth of its database time
    for a query that matches every page)."""
    pages = Page.objects.live()
    if privacy := public_q():
        pages = pages.filter(pk__in=Page.objects.filter(privacy).values("pk"))
    return pages


def ranked_ids(terms: str) -> list[int]:
    """The ids of every public page that holds all the terms, best match first, in one query.
    Paginating the search backend's results costs two (a count, then a page of results), and
    each matches and ranks every hit: for a word that most pages hold, twice the database's
    work. (Both database backends, PostgreSQL's and SQLite's, build a queryset: get_queryset.)"""
    found = public_pages().search(terms, operator="and")
    return list(found.get_queryset().values_list("pk", flat=True))


def pages_in_order(ids: list[int]) -> list[Page]:
    """These pages as their own types, in this order: one query, plus one per page type."""
    pages = {
        page.pk: page for page in Page.objects.filter(pk__in=ids).defer_streamfields().specific()
    }
    return [pages[pk] for pk in ids if pk in pages]


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
        results = paginate(ranked_ids(terms), request, SEARCH_RESULTS_PER_PAGE)
        results.object_list = [
            {
                "title": page.title,
                "url": page.get_url(request),
                "snippet": Truncator(page.summary).words(SUMMARY_WORDS),
            }
            for page in pages_in_order(results.object_list)
        ]

    response = render(
        request,
        "search/search_page.html",
        {
            "query": query,
            "too_long": too_long,
            "max_length": SEARCH_MAX_LENGTH,
            "results": results,
            "pagination": page_links(results, request.path, q=query) if results else None,
        },
    )
    # Results change with every publish anywhere, and only then.
    depends_on(PAGES)
    return response


def robots_txt(request):
    """Crawlers: everything but the admin and the search results, and where the sitemap is."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /soeg/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
