"""The stories' RSS feed: the live stories, newest first, with absolute links, announced in the
index's head."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest

from activities.dates import DANISH_TIME
from tests.support.html import soup
from tests.support.showcase_stories import add_story, story_index


@pytest.mark.django_db
def test_rss_feed_lists_the_stories_with_absolute_links(client, seeded):
    index = story_index()
    add_story(
        index,
        title="Temadag i Haslev",
        introduction="Hvad vi lærte på temadagen.",
        date=datetime.date(2017, 10, 10),
        tags=["temadag"],
    )
    add_story(index, title="Prøvehandling på rådhuset", date=datetime.date(2018, 4, 2))
    add_story(index, title="Kladde", publish=False)

    html = soup(client.get("/fortaellinger/"))
    alternate = html.select_one("head link[rel=alternate]")
    assert alternate["type"] == "application/rss+xml"
    assert alternate["href"] == "/fortaellinger/feed/"

    response = client.get("/fortaellinger/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    rss = ET.fromstring(response.content)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channel = rss.find("channel")
    assert channel.findtext("title") == "Fortællinger – Faxe i Fællesskab"
    assert channel.findtext("link") == "http://testserver/fortaellinger/"
    assert channel.findtext("language") == "da"
    assert "Faxe Kommune" in channel.findtext("description")

    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Prøvehandling på rådhuset",
        "Temadag i Haslev",
    ]
    haslev = items[1]
    assert haslev.findtext("link") == "http://testserver/fortaellinger/temadag-i-haslev/"
    assert haslev.findtext("description") == "Hvad vi lærte på temadagen."
    published = parsedate_to_datetime(haslev.findtext("pubDate"))
    assert published.astimezone(DANISH_TIME).date() == datetime.date(2017, 10, 10)
    assert haslev.findtext("category") == "temadag"
    guids = [item.find("guid") for item in items]
    assert all(g.get("isPermaLink") == "false" and g.text.startswith("urn:uuid:") for g in guids)
    assert len({g.text for g in guids}) == 2
