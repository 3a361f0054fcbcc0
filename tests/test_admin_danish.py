"""The admin speaks Danish to the procesleder and carries the site's name, not Wagtail's: a walk
through every kind of admin page a Procesleder can open (each address shape once), failing on any
English word they were seen to meet. The walk reads what the server renders (text, tab titles,
labels for screen readers and hints); menus that the admin's scripts draw from data are not
read."""

import datetime
import json
import re
from collections import deque

import pytest
from django.test import Client

from activities.signups import SignUp
from tests.support import showcase_activities, showcase_stories
from tests.support.danish import ENGLISH_WORD
from tests.support.html import soup, text_of
from tests.support.showcase import build_showcase

# What the admin says does not depend on the database: the SQLite pass only.
pytestmark = pytest.mark.sqlite_only

# Read out by a screen reader or shown by the browser, beside the text.
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
MAX_PAGES = 300


def admin_links(page) -> list[str]:
    """Admin addresses the page links to: its links, and the sidebar's menu (drawn by a script
    from data in the page)."""
    links = [a["href"] for a in page.select("a[href^='/admin/']")]
    props = page.find("script", id="wagtail-sidebar-props")
    if props:
        links += re.findall(r'"url": "(/admin/[^"]*)"', props.string or "")
    return [link.split("#")[0] for link in links]


def shape(url: str) -> str:
    """One address per kind of page: /admin/pages/12/edit/ and /admin/pages/7/edit/ alike."""
    return re.sub(r"\d+", "N", url.split("?")[0])


def read_text(page) -> list[str]:
    for hidden in page(["script", "style", "template"]) + page.select("[hidden]"):
        hidden.decompose()
    texts = list(page.stripped_strings)
    for element in page.find_all(True):
        texts += [element[name] for name in READ_ATTRIBUTES if element.get(name)]
    return texts


def walk_the_admin(client) -> tuple[int, dict[str, set[str]]]:
    """Every kind of admin page reachable by links from the dashboard (never logging out or
    confirming anything: only GET); the English found on each."""
    queue, shapes, found, walked = deque(["/admin/"]), set(), {}, 0
    while queue and walked < MAX_PAGES:
        url = queue.popleft()
        if shape(url) in shapes or "logout" in url:
            continue
        shapes.add(shape(url))
        response = client.get(url)
        walked += 1
        if response.status_code != 200 or "text/html" not in response["Content-Type"]:
            continue
        page = soup(response)
        queue.extend(admin_links(page))
        for text in read_text(page):
            for word in ENGLISH_WORD.findall(text):
                found.setdefault(f"{word!r} in {text[:70]!r}", set()).add(shape(url))
    return walked, found


@pytest.mark.django_db
def test_every_admin_page_the_procesleder_opens_is_danish(procesleder_client, seeded, image):
    build_showcase(image)
    showcase_activities.build(image)
    showcase_stories.build(image)
    walked, found = walk_the_admin(procesleder_client)
    assert walked > 40, "the walk should reach the admin's pages"
    assert found == {}, json.dumps({k: sorted(v) for k, v in found.items()}, indent=1)


@pytest.mark.django_db
def test_the_admin_carries_the_sites_name(procesleder_client, seeded):
    login = Client().get("/admin/login/")
    assert text_of(login, "h1") == "Log ind på Faxe i Fællesskab"
    assert text_of(login, "title") == "Log ind - Faxe i Fællesskab"
    dashboard = procesleder_client.get("/admin/")
    assert text_of(dashboard, "title") == "Kontrolpanel - Faxe i Fællesskab"
    userbar = procesleder_client.get("/baggrund/").content.decode()
    assert "Gå til administrationen" in userbar and "Wagtail admin" not in userbar


@pytest.mark.django_db
def test_the_admin_shows_the_sites_mark_not_wagtails_bird(procesleder_client, seeded):
    login = soup(Client().get("/admin/login/"))
    dashboard = soup(procesleder_client.get("/admin/"))
    userbar = soup(procesleder_client.get("/baggrund/"))
    sidebar_logo = dashboard.select_one("template[data-wagtail-sidebar-branding-logo]")
    for where, page in [("login", login), ("sidebar", sidebar_logo), ("user bar", userbar)]:
        assert page.select("img[src$='/img/logo.svg']"), f"the site's mark in the {where}"
        assert not page.select(".icon-wagtail"), f"Wagtail's bird in the {where}"
    for page in (login, dashboard):
        assert page.select_one("link[rel~='icon']")["href"].endswith("/img/favicon.svg")
    # The sidebar's menus (drawn from this data) name no Wagtail version under Indstillinger.
    sidebar = dashboard.find("script", id="wagtail-sidebar-props").string
    assert "Indstillinger" in sidebar and "Wagtail v" not in sidebar


@pytest.mark.django_db
def test_the_page_search_counts_in_danish(procesleder_client, seeded):
    search = procesleder_client.get("/admin/pages/search/", {"q": "Baggrund"})
    text = text_of(search)
    assert re.search(r"\b1-1 af 1\b", text)
    assert "None" not in text


@pytest.mark.django_db
def test_the_admin_writes_dates_as_danish_staff_do(procesleder_client, temadag):
    """ "20.10.2018 - 14:29" in Danish time, not Django's "20. oktober 2018 14:29"."""
    signup = SignUp.objects.create(
        activity=temadag, name="Mette Hansen", email="meha@faxekommune.dk", workplace="Biblioteket"
    )
    moment = datetime.datetime(2018, 10, 20, 12, 29, tzinfo=datetime.UTC)  # 14:29 in Denmark
    SignUp.objects.filter(pk=signup.pk).update(created=moment)
    listing = text_of(procesleder_client.get("/admin/tilmeldinger/"), "main")
    assert "20.10.2018 - 14:29" in listing
    details = text_of(procesleder_client.get(f"/admin/tilmeldinger/inspect/{signup.pk}/"), "main")
    assert "20.10.2018 - 14:29" in details and "oktober" not in details
