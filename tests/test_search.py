"""Site search: what it finds and shows, in Danish, published and public pages only, hostile
queries, stemming on PostgreSQL, the cache, and the query budget."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, PageViewRestriction

from tests.support.html import foreign_scripts, normalise, soup, text_of
from tests.support.showcase import add_page, build_showcase

SEARCH_BUDGET = 12


def search(client, query, **params):
    return client.get("/soeg/", {"q": query, **params})


def result_titles(response) -> list[str]:
    return [a.get_text() for a in soup(response).select(".search-results h3 a")]


def count_line(response) -> str:
    return text_of(response, ".search-count")


# Search


@pytest.mark.django_db
def test_search_finds_seeded_content_with_links_and_snippets(client, seeded):
    response = search(client, "samskabelse")
    assert response.status_code == 200
    titles = result_titles(response)
    # The phase's introduction and the contact page's introduction say "samskabelse".
    assert {"Lidt forhistorie", "Kontakt"} <= set(titles)
    assert count_line(response) == f"{len(titles)} resultater for »samskabelse«"
    result = soup(response).select_one(".search-results").find("a", string="Lidt forhistorie")
    assert result["href"] == "/faser/lidt-forhistorie/"
    snippet = normalise(result.find_parent("li").find("p").get_text())
    assert snippet.startswith("Tilbage i 2015 bestilte byrådet")


@pytest.mark.django_db
def test_one_result_is_counted_in_the_singular_and_words_must_all_match(client, seeded):
    response = search(client, "COK")
    assert result_titles(response) == ["Lidt forhistorie"]
    assert count_line(response) == "1 resultat for »COK«"
    # Every word must match: no page speaks of both the analysis and the phone number.
    response = search(client, "COK Frederiksgade")
    assert result_titles(response) == []
    assert count_line(response) == "0 resultater for »COK Frederiksgade«"
    assert "Prøv med andre eller færre ord" in text_of(response, "main")


@pytest.mark.django_db
def test_search_description_is_the_snippet_when_there_is_one(client, seeded):
    response = search(client, "ambitiøse")
    results = soup(response).select_one(".search-results")
    item = results.find("a", string="Baggrund").find_parent("li")
    assert normalise(item.find("p").get_text()) == (
        "Hvad er egentlig baggrunden for hele denne ambitiøse indsats? "
        "Om forhistorien, Det ny Faxe og Faxe i Fællesskab."
    )


@pytest.mark.django_db
def test_search_shows_only_published_public_pages_and_follows_publishing(client, seeded):
    add_page("Offentlig side", "Kulturnattevagt i Haslev.")
    add_page("Kladde", "Kulturnattevagt i Faxe.", publish=False)
    private = add_page("Lukket side", "Kulturnattevagt i Rønnede.")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    assert result_titles(search(client, "kulturnattevagt")) == ["Offentlig side"]

    # A draft of new text is not found; publishing it is, at once (the index follows publish).
    baggrund = seeded["baggrund"]
    baggrund.introduction = "Nu også om kulturnattevagten."
    baggrund.save_revision()
    assert "Baggrund" not in result_titles(search(client, "kulturnattevagten"))
    baggrund.get_latest_revision().publish()
    assert "Baggrund" in result_titles(search(client, "kulturnattevagten"))

    seeded["kontakt"].unpublish()
    assert "Kontakt" not in result_titles(search(client, "samskabelse"))


@pytest.mark.django_db
def test_results_are_paginated_in_danish(client, seeded):
    for n in range(25):
        add_page(f"Trivselsmåling {n}", f"Trivselsmåling nummer {n} fra Haslev.")

    first = search(client, "trivselsmåling")
    assert count_line(first) == "25 resultater for »trivselsmåling«"
    assert len(result_titles(first)) == 10
    nav = soup(first).select_one("nav[aria-label='Sider med søgeresultater']")
    assert nav.select_one("[aria-current='page']").get_text() == "Side 1"
    assert nav.find("a", rel="next")["href"] == "/soeg/?q=trivselsm%C3%A5ling&side=2"
    assert nav.find("a", rel="prev") is None

    last = search(client, "trivselsmåling", side=3)
    assert len(result_titles(last)) == 5
    assert soup(last).select_one(".search-results")["start"] == "21"
    assert "side 3" in soup(last).title.get_text()
    nav = soup(last).select_one("nav.pagination")
    assert nav.find("a", rel="prev")["href"] == "/soeg/?q=trivselsm%C3%A5ling&side=2"
    assert nav.find("a", rel="next") is None

    every_title = set()
    for number in (1, 2, 3):
        every_title |= set(result_titles(search(client, "trivselsmåling", side=number)))
    assert len(every_title) == 25

    # Past the last page: the site's 404 page (tests/test_listings.py has every hostile value).
    assert search(client, "trivselsmåling", side=4).status_code == 404


HOSTILE_QUERIES = {
    "empty": "",
    "spaces": "   ",
    "very-long": "samskabelse " * 1000,
    "script": "<script>alert(1)</script>",
    "sql": "' OR 1=1 --",
    "sql-union": "x' UNION SELECT password FROM auth_user --",
    "fts-syntax": 'NEAR(" samskabelse * ) AND OR NOT ^',
    "quote": 'a"b',
    "tsquery-syntax": "samskabelse & !(innovation | :*)",
    "backslash": "\\ \\\\'",
    "unicode": "Æblegrød på skrå 😀 – ﬁ ß",
    "nul": "samskabelse\x00",
}


@pytest.mark.django_db
@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_hostile_queries_give_a_normal_page(client, seeded, query):
    response = search(client, query)
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("form[role='search'] input[name='q']") is not None
    # Nothing the visitor typed comes back as markup.
    assert b"<script>alert(1)</script>" not in response.content
    assert foreign_scripts(page) == []
    assert len(page.select_one("input[name='q']").get("value", "")) <= 200


@pytest.mark.django_db
def test_a_typed_script_is_shown_escaped(client, seeded):
    response = search(client, "<script>alert(1)</script>")
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in response.content
    assert count_line(response) == "0 resultater for »<script>alert(1)</script>«"


@pytest.mark.django_db
def test_an_empty_search_invites_a_query(client, seeded):
    for response in (client.get("/soeg/"), search(client, "")):
        assert response.status_code == 200
        assert "Skriv et eller flere ord" in text_of(response, "main")
        assert soup(response).select_one(".search-count") is None


@pytest.mark.django_db
def test_a_very_long_query_is_cut_with_a_danish_note(client, seeded):
    response = search(client, "samskabelse " * 1000)
    note = text_of(response, "#search-too-long")
    assert note == "Din søgning var længere end 200 tegn, så vi har forkortet den."
    field = soup(response).select_one("#search-q")
    assert field["aria-describedby"] == "search-too-long"
    # Cut where a word ends, and searched.
    assert len(field["value"]) <= 200 and field["value"].endswith("samskabelse")
    assert "Lidt forhistorie" in result_titles(response)
    # One 10,000-character word is cut too.
    response = search(client, "x" * 10_000)
    assert soup(response).select_one("#search-q")["value"] == "x" * 200
    assert count_line(response) == f"0 resultater for »{'x' * 200}«"


@pytest.mark.django_db
def test_danish_stemming_on_postgresql_and_plain_words_on_sqlite(client, seeded):
    if connection.vendor != "postgresql":
        # SQLite's FTS5 matches whole words only; the PostgreSQL pass checks the stemming.
        assert {"Lidt forhistorie", "Kontakt"} <= set(result_titles(search(client, "samskabelse")))
        return
    # The pages say "samskabelse"; the visitor types the definite form.
    assert {"Lidt forhistorie", "Kontakt"} <= set(result_titles(search(client, "samskabelsen")))
    # ... and the other way round: "fællesskaber" (Baggrund's body) from "fællesskab".
    add_page("Fællesskaber", "Stærke fællesskaber på tværs af centrene.")
    assert "Fællesskaber" in result_titles(search(client, "fællesskabet"))


@pytest.mark.django_db
def test_search_results_come_from_the_cache_until_any_page_changes(client, seeded):
    first = search(client, "samskabelse")
    assert first["X-Cache"] == "MISS" and not first.cookies
    assert first["Cache-Control"] == "public, max-age=0, must-revalidate"
    assert search(client, "samskabelse")["X-Cache"] == "HIT"
    # Publishing a page anywhere, even one the results did not show, renews every search.
    add_page("Ny side", "Mere om samskabelse i praksis.")
    second = search(client, "samskabelse")
    assert second["X-Cache"] == "MISS"
    assert "Ny side" in result_titles(second)
    seeded["kontakt"].unpublish()
    assert "Kontakt" not in result_titles(search(client, "samskabelse"))


@pytest.mark.django_db
def test_a_page_made_private_leaves_the_search_and_the_cache_at_once(client, seeded):
    page = add_page("Snart lukket", "Kulturnattevagt i Rønnede.")
    assert client.get(page.url)["X-Cache"] == "MISS"
    assert client.get(page.url)["X-Cache"] == "HIT"
    assert "Snart lukket" in result_titles(search(client, "kulturnattevagt"))
    PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    assert "Kulturnattevagt" not in text_of(client.get(page.url))
    assert result_titles(search(client, "kulturnattevagt")) == []


@pytest.mark.django_db
def test_the_header_search_form_leads_to_the_search_page(client, seeded):
    page = soup(client.get("/baggrund/"))
    form = page.select_one("header form[role='search']")
    assert form["action"] == "/soeg/" and form["method"] == "get"
    field = form.select_one("input[name='q']")
    assert page.select_one(f"label[for='{field['id']}']").get_text() == "Søg på sitet"
    assert form.find("button").get_text() == "Søg"
    # The search page has its own form, and only one search landmark.
    assert len(soup(search(client, "fase")).select("[role='search']")) == 1


def search_queries(client, query) -> int:
    search(client, query)  # the menu, footer and organisation go into the cache, as on any page
    with CaptureQueriesContext(connection) as queries:
        response = search(client, query)
    assert response.status_code == 200
    return len(queries.captured_queries)


@pytest.mark.django_db
def test_search_queries_stay_within_the_budget_from_1_to_30_results(client, seeded):
    add_page("Udvikling 0", "Om tillidsbaseret udvikling.")
    with_one = search_queries(client, "tillidsbaseret")
    assert with_one <= SEARCH_BUDGET
    for n in range(1, 30):
        add_page(f"Udvikling {n}", "Om tillidsbaseret udvikling.")
    assert count_line(search(client, "tillidsbaseret")).startswith("30 resultater")
    assert search_queries(client, "tillidsbaseret") == with_one


@pytest.mark.django_db
def test_results_of_every_page_type_stay_within_the_budget(client, seeded, image):
    # Each page type on a page of results costs a query for its fields (the snippets).
    build_showcase(image)
    response = search(client, "faxe")
    types = {
        Page.objects.get(url_path="/forside" + url).specific_class
        for url in (a["href"] for a in soup(response).select(".search-results h3 a"))
    }
    assert len(types) >= 5
    assert search_queries(client, "faxe") <= SEARCH_BUDGET
