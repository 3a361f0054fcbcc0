"""The admin helps editors keep pages accessible."""

import json
import re

import pytest

from base.wagtail_hooks import vague_link_texts
from tests.support.editor_posts import page_edit_data


@pytest.mark.django_db
def test_content_checker_runs_every_axe_rule(procesleder_client, seeded):
    html = procesleder_client.get("/baggrund/").content.decode()
    # The userbar sits in a <template>, which the HTML parser does not descend into.
    match = re.search(
        r'id="checker-axe-configuration" type="application/json">(.*?)</script>', html
    )
    configuration = json.loads(match.group(1))
    # No runOnly: axe runs all its (non-experimental) rules, not Wagtail's short default list.
    assert "runOnly" not in configuration["options"]


@pytest.mark.django_db
def test_saving_a_vague_link_text_warns_in_danish(procesleder_client, seeded):
    baggrund = seeded["baggrund"]
    paragraph = '<p>Om faserne: <a href="/faser/">Læs mere</a>.</p>'
    from wagtail.test.utils.form_data import rich_text

    data = page_edit_data(procesleder_client, baggrund, body=[("paragraph", rich_text(paragraph))])
    response = procesleder_client.post(f"/admin/pages/{baggrund.pk}/edit/", data, follow=True)
    html = response.content.decode()
    assert "Linkteksten &#x27;Læs mere&#x27; siger ikke, hvor linket fører hen" in html
    # A warning, not a refusal: the draft is saved.
    assert baggrund.get_latest_revision_as_object().body[0].block_type == "paragraph"


@pytest.mark.django_db
def test_descriptive_link_texts_pass(seeded):
    baggrund = seeded["baggrund"]
    assert vague_link_texts(baggrund) == []
    baggrund.body = [
        ("paragraph", '<p><a href="/faser/">Klik her!</a> <a href="/">Forsiden</a></p>')
    ]
    assert vague_link_texts(baggrund) == ["Klik her!"]
