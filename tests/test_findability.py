"""How search engines find the pages: the sitemap, robots.txt, each page's title, description,
canonical link, OpenGraph tags and JSON-LD, and the redirects from the original static site's
addresses (site search: tests/test_search.py)."""

import datetime
import importlib
import json
import xml.etree.ElementTree as ET

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction

from base.templatetags.navigation_tags import ancestor_crumbs
from contacts.models import ContactPerson
from findability.structured_data import organisation_contacts
from pages.models import PhaseIndexPage
from tests.support.html import foreign_scripts, soup
from tests.support.showcase import add_page, build_showcase


def search(client, query, **params):
    return client.get("/soeg/", {"q": query, **params})


# Sitemap and robots.txt


@pytest.mark.django_db
def test_sitemap_lists_every_public_page_with_its_last_modification(client, seeded):
    draft = add_page("Kladde", "Ikke udgivet endnu.", publish=False)
    private = add_page("Lukket", "Kun for nogle.")
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="hemmelig"
    )
    hidden_child = add_page("Under lukket", "Også lukket.", parent=private)

    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    entries = {
        url.findtext("s:loc", namespaces=ns): url.findtext("s:lastmod", namespaces=ns)
        for url in ET.fromstring(response.content).findall("s:url", ns)
    }
    public = Page.objects.live().filter(depth__gte=2).exclude(pk__in=[private.pk, hidden_child.pk])
    assert set(entries) == {f"http://testserver{page.url}" for page in public}
    for page in public:
        published = timezone.localdate(page.last_published_at)
        assert entries[f"http://testserver{page.url}"] == published.isoformat()
    assert entries["http://testserver/baggrund/"] == "2018-10-20"  # the original's date
    assert not any(draft.slug in loc or "lukket" in loc for loc in entries)


@pytest.mark.django_db
def test_a_page_below_an_unpublished_one_shows_no_trace_of_it(client, seeded):
    section = add_page("Sektion", "En sektion.")
    child = add_page("Underside", "Stadig udgivet.", parent=section)
    client.get(child.url)  # cached with the trail through the section
    section.unpublish()
    section.title = "Hemmelig kladdetitel"
    section.save_revision()  # a draft of the unpublished section

    response = client.get(child.url)
    assert response.status_code == 200  # Wagtail still serves it
    head = head_of(response)
    assert head["breadcrumbs"] == [("Forside", "/")]
    items = head["json_ld"]["BreadcrumbList"]["itemListElement"]
    assert [i["name"] for i in items] == ["Forside", "Underside"]
    assert "Sektion" not in response.content.decode()
    assert "Hemmelig kladdetitel" not in response.content.decode()
    assert "/sektion/" not in client.get("/sitemap.xml").content.decode()

    # Published again: the trail and the sitemap have it back.
    section.get_latest_revision().publish()
    head = head_of(client.get(child.url))
    assert head["breadcrumbs"] == [("Forside", "/"), ("Hemmelig kladdetitel", "/sektion/")]
    assert "/sektion/underside/" in client.get("/sitemap.xml").content.decode()


@pytest.mark.django_db
def test_robots_txt_keeps_crawlers_out_of_the_admin_and_points_at_the_sitemap(client, seeded):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert not any(line.strip() == "Disallow: /" for line in lines)
    https = client.get("/robots.txt", secure=True, headers={"host": "localhost"})
    assert "Sitemap: https://localhost/sitemap.xml" in https.content.decode().splitlines()


# Each page's head


def head_of(response) -> dict:
    page = soup(response)
    head = page.head
    json_ld = [json.loads(s.string) for s in head.find_all("script", type="application/ld+json")]
    return {
        "title": head.title.get_text(),
        "description": (head.find("meta", attrs={"name": "description"}) or {}).get("content"),
        "canonical": head.find("link", rel="canonical")["href"],
        "og": {
            meta["property"]: meta["content"]
            for meta in head.find_all("meta", property=lambda p: p and p.startswith("og:"))
        },
        "json_ld": {data["@type"]: data for data in json_ld},
        "json_ld_count": len(json_ld),
        "breadcrumbs": [(a.get_text(), a["href"]) for a in page.select("nav.breadcrumbs a")],
    }


def showcase_urls(image) -> list[str]:
    return [page.url for page in build_showcase(image).values()]


@pytest.mark.django_db
def test_every_page_type_has_canonical_opengraph_and_json_ld(client, seeded, image):
    urls = showcase_urls(image)
    assert {"/", "/faser/", "/kontakt/", "/eksempelside/", "/faser/eksempelfase/"} <= set(urls)
    for url in [*urls, "/baggrund/", "/faser/det-ny-faxe/"]:
        response = client.get(url)
        page = Page.objects.get(url_path="/forside" + url).specific
        head = head_of(response)
        full_url = f"http://testserver{url}"
        assert head["canonical"] == full_url, url
        og = head["og"]
        assert og["og:url"] == full_url
        assert og["og:locale"] == "da_DK"
        assert og["og:site_name"] == "Faxe i Fællesskab"
        assert og["og:type"] == ("website" if url == "/" else "article")
        assert og["og:title"] == (
            page.seo_title or ("Faxe i Fællesskab" if url == "/" else page.title)
        )
        if head["description"]:
            assert og["og:description"] == head["description"]

        organisation = head["json_ld"]["GovernmentOrganization"]
        assert organisation["@context"] == "https://schema.org"
        assert organisation["name"] == "Faxe i Fællesskab"
        assert organisation["url"] == "http://testserver/"
        assert organisation["parentOrganization"]["name"] == "Faxe Kommune"
        assert organisation["address"] == {
            "@type": "PostalAddress",
            "streetAddress": "Rådhuset, Frederiksgade 9, 1. sal",
            "postalCode": "4690",
            "addressLocality": "Haslev",
            "addressCountry": "DK",
        }
        assert organisation["contactPoint"]["telephone"] == "+4521668303"
        assert organisation["contactPoint"]["email"] == "tbrag@faxekommune.dk"
        assert organisation["contactPoint"]["name"] == "Thomas Børager"
        assert organisation["contactPoint"]["contactType"] == "Procesleder"

        if url == "/":
            assert "BreadcrumbList" not in head["json_ld"]
            continue
        # The BreadcrumbList says what the visible breadcrumbs say, then the page itself.
        items = head["json_ld"]["BreadcrumbList"]["itemListElement"]
        expected = [(name, f"http://testserver{href}") for name, href in head["breadcrumbs"]]
        assert [(i["name"], i["item"]) for i in items] == [*expected, (page.title, full_url)]
        assert [i["position"] for i in items] == list(range(1, len(items) + 1))
        assert items[0]["name"] == "Forside"


@pytest.mark.django_db
def test_a_deep_page_has_the_whole_trail(client, seeded):
    items = head_of(client.get("/faser/det-ny-faxe/"))["json_ld"]["BreadcrumbList"]
    assert [(i["name"], i["item"]) for i in items["itemListElement"]] == [
        ("Forside", "http://testserver/"),
        ("Faser", "http://testserver/faser/"),
        ("Det ny Faxe", "http://testserver/faser/det-ny-faxe/"),
    ]


@pytest.mark.django_db
def test_title_and_description_are_editable_with_defaults(client, seeded):
    head = head_of(client.get("/baggrund/"))
    assert head["title"] == "Baggrund | Hvad satte det i gang? – Faxe i Fællesskab"
    assert head["description"].startswith("Hvad er egentlig baggrunden for hele denne")
    # Without SEO fields: the title, and the introduction cut to 160 characters.
    head = head_of(client.get("/faser/det-ny-faxe/"))
    assert head["title"] == "Det ny Faxe – Faxe i Fællesskab"
    assert head["description"].startswith("Den følgende periode bar præg af")
    assert len(head["description"]) <= 160 and head["description"].endswith("…")
    # The home page's rich-text introduction becomes plain text.
    assert head_of(client.get("/"))["description"] == (
        "Faxe i Fællesskab er kulturudviklingsprocessen i Faxe Kommune. Her kan du læse om "
        "baggrunden for processen, dens faser, og hvem du kan kontakte."
    )

    phase = seeded["phases"][1]
    phase.seo_title = "Det ny Faxe | 2016-2017"
    phase.search_description = "Plejerhandlinger og prøvehandlinger."
    phase.save_revision().publish()
    head = head_of(client.get("/faser/det-ny-faxe/"))
    assert head["title"] == "Det ny Faxe | 2016-2017 – Faxe i Fællesskab"
    assert head["description"] == "Plejerhandlinger og prøvehandlinger."
    assert head["og"]["og:title"] == "Det ny Faxe | 2016-2017"
    assert head["og"]["og:description"] == "Plejerhandlinger og prøvehandlinger."


@pytest.mark.django_db
def test_json_ld_stays_json_whatever_the_editors_write(client, seeded):
    evil = '</script><script>alert("x")</script><!-- & "citat"'
    page = add_page(evil, "Tekst.", slug="ond-titel")
    person = seeded["process_leader"]
    person.name = "Thomas </script> Børager"
    person.save()
    response = client.get(page.url)
    head = head_of(response)
    assert head["json_ld_count"] == 2  # nothing closed the script element early
    items = head["json_ld"]["BreadcrumbList"]["itemListElement"]
    assert items[-1]["name"] == evil
    assert head["json_ld"]["GovernmentOrganization"]["contactPoint"]["name"] == person.name
    assert b"</script><script>" not in response.content
    assert foreign_scripts(soup(response)) == []


@pytest.mark.django_db
def test_head_follows_changes_to_contacts_and_ancestors(client, seeded):
    client.get("/faser/det-ny-faxe/")
    person = seeded["process_leader"]
    person.phone = "56 20 30 00"
    person.save()
    faser = PhaseIndexPage.objects.get()
    faser.title = "Faserne"
    faser.save_revision().publish()
    head = head_of(client.get("/faser/det-ny-faxe/"))
    assert head["json_ld"]["GovernmentOrganization"]["contactPoint"]["telephone"] == "+4556203000"
    names = [i["name"] for i in head["json_ld"]["BreadcrumbList"]["itemListElement"]]
    assert names == ["Forside", "Faserne", "Det ny Faxe"]


@pytest.mark.django_db
def test_several_offices_and_people_are_all_listed(client, seeded):
    office = seeded["process_leader"].office
    ContactPerson.objects.create(
        name="Anne Hansen", role="Konsulent", email="anhan@faxekommune.dk", office=office
    )
    organisation = head_of(client.get("/"))["json_ld"]["GovernmentOrganization"]
    points = organisation["contactPoint"]
    assert [p["name"] for p in points] == ["Anne Hansen", "Thomas Børager"]
    assert "telephone" not in points[0]


@pytest.mark.django_db
def test_the_seo_head_costs_no_query_once_its_data_is_cached(rf, seeded, django_assert_num_queries):
    request = rf.get("/faser/det-ny-faxe/")
    page, root = seeded["phases"][1], seeded["home"]
    with django_assert_num_queries(2):  # the offices, their people
        contacts = organisation_contacts()
    root.get_url_parts(request)  # Wagtail's own cache of the site's root paths
    with django_assert_num_queries(1):  # the ancestors
        crumbs = ancestor_crumbs(page, root, request)
    assert crumbs == [{"name": "Forside", "path": "/"}, {"name": "Faser", "path": "/faser/"}]
    with django_assert_num_queries(0):
        assert organisation_contacts() == contacts
        assert ancestor_crumbs(page, root, request) == crumbs


@pytest.mark.django_db
def test_search_and_error_pages_carry_the_organisation_but_no_canonical(client, seeded):
    for response in (search(client, "fase"), client.get("/findes-ikke/")):
        page = soup(response)
        assert page.head.find("link", rel="canonical") is None
        types = [
            json.loads(s.string)["@type"]
            for s in page.head.find_all("script", type="application/ld+json")
        ]
        assert types == ["GovernmentOrganization"]
    assert (
        soup(search(client, "fase")).head.find("meta", attrs={"name": "robots"})["content"]
        == "noindex, follow"
    )


# Redirects from the original static site

OLD_ADDRESSES = [
    ("/index.html", "/"),
    ("/direktion/dnaet.html", "/baggrund/"),
    ("/direktion/innovation/innovationspraktik foer.html", "/faser/det-ny-faxe/"),
    ("/direktion/innovation/innovationspraktik%20foer.html", "/faser/det-ny-faxe/"),
    ("/flla/index.html", "/aktiviteter/?type=flla"),
    ("/flla/lederforum.html", "/aktiviteter/?type=lederforum"),
    ("/Fortællinger/temadag.html", "/fortaellinger/"),
    ("/Fort%C3%A6llinger/temadag.html", "/fortaellinger/"),
    ("/fort%C3%A6llinger/temadag.html", "/fortaellinger/"),
    ("/index.html?utm_source=nyhedsbrev", "/"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("old,new", OLD_ADDRESSES)
def test_old_addresses_redirect_permanently(client, seeded, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new


@pytest.mark.django_db
@pytest.mark.parametrize("new", ["/", "/baggrund/", "/faser/det-ny-faxe/"])
def test_redirect_targets_in_the_seed_exist(client, seeded, new):
    assert client.get(new).status_code == 200


@pytest.mark.django_db
def test_the_redirect_migration_is_reversible(seeded):
    migration = importlib.import_module("home.migrations.0004_redirects")
    group = Group.objects.get(name="Procesleder")
    assert Redirect.objects.count() == len(migration.REDIRECTS)

    migration.remove_redirects(apps, None)
    assert Redirect.objects.count() == 0
    assert not group.permissions.filter(content_type__app_label="wagtailredirects").exists()

    migration.add_redirects(apps, None)
    assert Redirect.objects.count() == len(migration.REDIRECTS)
    assert set(
        group.permissions.filter(content_type__app_label="wagtailredirects").values_list(
            "codename", flat=True
        )
    ) == {"add_redirect", "change_redirect", "delete_redirect"}


@pytest.mark.django_db
def test_procesleder_manages_redirects_in_the_admin(procesleder_client, client, seeded):
    listing = procesleder_client.get("/admin/redirects/")
    assert listing.status_code == 200
    assert "/index.html" in listing.content.decode()
    # The admin's menu (built by script from JSON) offers "Omdirigeringer".
    menu = procesleder_client.get("/admin/").content.decode()
    assert '"name": "redirects", "label": "Omdirigeringer"' in menu

    response = procesleder_client.post(
        "/admin/redirects/add/",
        {
            "old_path": "/gammel-side.html",
            "site": "",
            "is_permanent": "on",
            "redirect_page": seeded["kontakt"].pk,
            "redirect_link": "",
        },
    )
    assert response.status_code == 302
    answer = client.get("/gammel-side.html")
    assert answer.status_code == 301 and answer["Location"] == "/kontakt/"

    # The migrated redirects can be edited: pointed at a page (Wagtail's form takes only full
    # addresses as links, so a page is the editor's way to a target within the site).
    redirect = Redirect.objects.get(old_path="/flla/index.html")
    edit_url = reverse("wagtailredirects:edit", args=[redirect.pk])
    assert procesleder_client.get(edit_url).status_code == 200
    response = procesleder_client.post(
        edit_url,
        {
            "old_path": redirect.old_path,
            "site": "",
            "is_permanent": "on",
            "redirect_page": seeded["kontakt"].pk,
            "redirect_link": "",
        },
    )
    assert response.status_code == 302
    assert client.get("/flla/index.html")["Location"] == "/kontakt/"

    redirect = Redirect.objects.get(old_path="/index.html")
    response = procesleder_client.post(reverse("wagtailredirects:delete", args=[redirect.pk]))
    assert response.status_code == 302
    assert client.get("/index.html").status_code == 404


@pytest.mark.django_db
def test_lastmod_in_sitemap_is_the_publication_date(client, seeded):
    page = add_page("Nyhed", "Netop udgivet.")
    Page.objects.filter(pk=page.pk).update(
        last_published_at=datetime.datetime(2024, 3, 31, 23, 30, tzinfo=datetime.UTC)
    )
    # 23:30 UTC is 1 April in Danish summer time.
    assert b"<loc>http://testserver/nyhed/</loc><lastmod>2024-04-01</lastmod>" in (
        client.get("/sitemap.xml").content
    )
