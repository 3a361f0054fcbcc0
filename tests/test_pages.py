"""What a visitor sees on every page type: the document, navigation, dates and error pages."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error
from wagtail.models import Page

from base.models import SiteSettings
from pages.models import PhaseIndexPage, PhasePage
from tests.support.html import soup, text_of

PAGE_TEMPLATES = {
    "/": "home/home_page.html",
    "/baggrund/": "pages/content_page.html",
    "/faser/": "pages/phase_index_page.html",
    "/faser/lidt-forhistorie/": "pages/phase_page.html",
    "/kontakt/": "contacts/contact_page.html",
}


@pytest.mark.django_db
@pytest.mark.parametrize("url,template", PAGE_TEMPLATES.items())
def test_every_page_type_renders_as_a_danish_document(client, seeded, url, template):
    response = client.get(url)
    assert response.status_code == 200
    assert template in [t.name for t in response.templates]
    page = soup(response)
    assert page.html["lang"] == "da"
    skip_link = page.body.find("a")
    assert skip_link["href"] == "#main" and skip_link.get_text() == "Gå til indhold"
    assert page.select_one("main#main") is not None
    assert len(page.find_all("h1")) == 1
    assert page.select_one("footer a[href='/was']").get_text() == "Tilgængelighedserklæring"
    assert not response.cookies, "anonymous visitors get no cookies"


@pytest.mark.django_db
def test_main_navigation_comes_from_the_page_tree(client, seeded):
    nav = soup(client.get("/faser/det-ny-faxe/")).select_one("nav[aria-label='Hovedmenu']")
    links = [(a.get_text(strip=True), a["href"]) for a in nav.find_all("a")]
    assert links == [
        ("Forside", "/"),
        ("Baggrund", "/baggrund/"),
        ("Faser", "/faser/"),
        ("Aktiviteter", "/aktiviteter/"),
        ("Fortællinger", "/fortaellinger/"),
        ("Kontakt", "/kontakt/"),
    ]
    assert "is-active" in nav.find("a", href="/faser/")["class"]

    seeded["kontakt"].unpublish()
    nav = soup(client.get("/")).select_one("nav[aria-label='Hovedmenu']")
    assert nav.find("a", href="/kontakt/") is None


@pytest.mark.django_db
def test_current_page_is_marked_in_the_navigation(client, seeded):
    nav = soup(client.get("/baggrund/")).select_one("nav[aria-label='Hovedmenu']")
    assert nav.select_one("[aria-current='page']").get_text() == "Baggrund"


@pytest.mark.django_db
def test_breadcrumbs_lead_back_to_the_home_page(client, seeded):
    crumbs = soup(client.get("/faser/det-ny-faxe/")).select_one("nav.breadcrumbs")
    assert [li.get_text(strip=True) for li in crumbs.find_all("li")] == [
        "Forside",
        "Faser",
        "Det ny Faxe",
    ]
    assert [a["href"] for a in crumbs.find_all("a")] == ["/", "/faser/"]
    assert crumbs.select_one("[aria-current='page']").get_text() == "Det ny Faxe"
    assert soup(client.get("/")).select_one("nav.breadcrumbs") is None


@pytest.mark.django_db
def test_home_page_shows_the_vision_and_leads_into_the_sections(client, seeded):
    page = soup(client.get("/"))
    assert page.h1.get_text(strip=True) == "Faxe er et tilvalg"
    assert "Vores vision er, at Faxe kommune er et tilvalg" in page.select_one(".hero").get_text()
    cards = [a["href"] for a in page.select(".cards a")]
    assert cards == ["/baggrund/", "/faser/", "/aktiviteter/", "/fortaellinger/", "/kontakt/"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "published_utc,shown",
    [
        (datetime.datetime(2024, 1, 15, 13, 5, tzinfo=datetime.UTC), "15.01.2024 - 14:05"),
        (datetime.datetime(2024, 7, 1, 22, 30, tzinfo=datetime.UTC), "02.07.2024 - 00:30"),
    ],
)
def test_update_date_is_the_last_publication_in_danish_time(client, seeded, published_utc, shown):
    Page.objects.filter(pk=seeded["kontakt"].pk).update(last_published_at=published_utc)
    assert f"Opdateringsdato: {shown}" in text_of(client.get("/kontakt/"), "main")


@pytest.mark.django_db
def test_publishing_updates_the_date(client, seeded):
    page = seeded["baggrund"]
    page.save_revision().publish()
    now = datetime.datetime.now(ZoneInfo("Europe/Copenhagen"))
    assert f"Opdateringsdato: {now:%d.%m.%Y}" in text_of(client.get("/baggrund/"), "main")


@pytest.mark.django_db
def test_phase_index_shows_a_timeline_in_time_order(client, seeded):
    index = PhaseIndexPage.objects.get()
    index.add_child(
        instance=PhasePage(title="Et tidligt forløb", start_date=datetime.date(2014, 3, 1))
    )
    page = soup(client.get("/faser/"))
    titles = [h.get_text(strip=True) for h in page.select(".timeline h2")]
    assert titles == ["Et tidligt forløb", "Lidt forhistorie", "Det ny Faxe", "Faxe i Fællesskab"]
    assert page.select(".timeline__period")[0].get_text() == "Fra 2014"


@pytest.mark.django_db
def test_phase_period_reads_as_visitors_expect():
    phase = PhasePage(start_date=datetime.date(2015, 1, 1), end_date=datetime.date(2016, 6, 1))
    assert phase.period == "2015–2016"
    phase.end_date = None
    assert phase.period == "Fra 2015"
    phase.period_label = "Fra efteråret 2017"
    assert phase.period == "Fra efteråret 2017"


@pytest.mark.django_db
def test_unknown_url_gives_the_danish_404_page(client, seeded):
    response = client.get("/findes-ikke/")
    assert response.status_code == 404
    page = soup(response)
    assert page.h1.get_text() == "Siden findes ikke"
    assert page.html["lang"] == "da"
    assert page.select_one("nav[aria-label='Hovedmenu']") is not None


def test_server_error_page_is_danish_and_needs_no_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Der opstod en fejl" in response.content.decode()
    assert 'lang="da"' in response.content.decode()


@pytest.mark.django_db
def test_was_redirects_to_the_accessibility_statement(client, seeded):
    response = client.get("/was")
    assert response.status_code == 302
    assert response["Location"] == "https://was.digst.dk/faxeifaellesskab-dk"

    settings = SiteSettings.for_site(seeded["home"].get_site())
    settings.accessibility_statement_url = "https://was.digst.dk/faxe-dk"
    settings.save()
    assert client.get("/was")["Location"] == "https://was.digst.dk/faxe-dk"


@pytest.mark.django_db
def test_drafts_are_not_shown_to_visitors(client, seeded):
    page = seeded["baggrund"]
    page.introduction = "En kladde, som ikke er udgivet."
    page.save_revision()
    assert "En kladde" not in text_of(client.get("/baggrund/"))
