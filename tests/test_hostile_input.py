"""Hostile input, property-based: random and malicious text (very long, control characters
including NUL, HTML and script, SQL, right-to-left marks, emoji, invalid UTF-8) sent to every
public form and query parameter. The site answers without a server error, shows what was sent
only escaped, and keeps nothing from a refused sign-up."""

from urllib.parse import quote_from_bytes, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.forms import RESEND
from activities.models import ActivityType
from activities.signups import SignUp
from tests.support.html import soup
from tests.support.showcase_activities import days_ahead, publish_activity

# Modest: each example is a full request. No example database: nothing is written into the
# repository, and every run draws afresh.
HOSTILE = settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MARKUP = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "<!--",
    "]]><x>",
]
FRAGMENTS = MARKUP + [
    "' OR '1'='1",
    "'; DROP TABLE activities_signup; --",
    '" OR ""="',
    "1; SELECT pg_sleep(5)",
    "\x00",
    "%00",
    "\u202e",  # right-to-left override
    "\u200f\u05e9\u05dc\u05d5\u05dd",  # right-to-left mark, Hebrew
    "\ufeff",
    "😀👩‍👩‍👧",
    "𝕏",
    "\r\n",
    "\x1b[31m",
    "\x7f\x08",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "\\",
    "æøå ÆØÅ",
    "Ω" * 300,
    "x" * 5000,
]

# Any text UTF-8 can carry (all of Unicode but lone surrogates, which no form can send).
anything = st.text(st.characters(codec="utf-8"), max_size=300)
# Control and format characters: NUL (which PostgreSQL cannot store), bidi marks, separators.
controls = st.text(
    st.one_of(st.just("\x00"), st.characters(categories=["Cc", "Cf", "Zl", "Zp"])),
    min_size=1,
    max_size=5,
)
piece = st.one_of(st.sampled_from(FRAGMENTS), controls, anything)
hostile = st.one_of(piece, st.lists(piece, min_size=2, max_size=6).map("".join))


def typed(sensible: str):
    """What a person types, something hostile, or hostile text around what a person types."""
    return st.one_of(
        st.just(sensible),
        hostile,
        st.tuples(hostile, hostile).map(lambda ends: ends[0] + sensible + ends[1]),
    )


def assert_escaped(body: str, sent: list[str], before: str):
    """Nothing sent that holds markup comes back as markup: neither the whole value (as sent,
    trimmed or with its whitespace collapsed, as the pages show it) nor a piece of known
    markup in it, unless the page held that text before anyone sent it."""
    for value in sent:
        shown = {value, value.strip(), " ".join(value.split())}
        shown |= {piece for piece in MARKUP if piece in value}
        for text in shown:
            if ("<" in text or ">" in text) and text not in before:
                assert text not in body, f"unescaped in the page: {text!r}"


# The sign-up form


@pytest.fixture
def activity(seeded):
    return publish_activity(
        "Temadag om samskabelse",
        "temadag-om-samskabelse",
        days_ahead(20),
        activity_type=ActivityType.TEMADAG,
        signup_enabled=True,
        capacity=3,
    )


@pytest.fixture
def browser(activity):
    """A visitor's browser: CSRF is checked, as in production (the sign-up form is exempt); the
    form page gives the form's token."""
    client = Client(enforce_csrf_checks=True)
    form = soup(client.get(activity.signup_url()))
    client.token = form.select_one("input[name=token]")["value"]
    return client


sign_up_data = st.fixed_dictionaries(
    {
        "name": typed("Mette Hansen"),
        "email": st.one_of(hostile, st.emails(), st.just("meha@faxekommune.dk")),
        "workplace": typed("Haslev Bibliotek"),
        "comment": typed("Jeg kommer lidt senere."),
        # The honeypot, which people leave empty and robots fill in.
        "website": st.one_of(st.just(""), st.just(""), hostile),
    }
)


@pytest.mark.django_db
@HOSTILE
@given(data=sign_up_data)
def test_the_sign_up_form_survives_hostile_input(browser, activity, data):
    before = browser.get(activity.signup_url()).content.decode()
    signups = SignUp.objects.count()

    response = browser.post(activity.signup_url(), {**data, "token": browser.token})

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        # Refused: the form again, with what was typed and a Danish error; nothing kept.
        assert SignUp.objects.count() == signups
        page = soup(response)
        assert page.select_one(".error-summary") is not None, "no error shown"
        assert_escaped(response.content.decode(), list(data.values()), before)
    elif data["website"].strip():
        assert SignUp.objects.count() == signups  # a robot is told it worked; nothing kept
    else:
        # Accepted: exactly what was typed is kept, once.
        assert SignUp.objects.count() == signups + 1
        signup = SignUp.objects.latest("pk")
        assert (signup.name, signup.workplace) == (data["name"].strip(), data["workplace"].strip())
        assert "\x00" not in signup.name + signup.workplace + signup.comment + signup.email
        thanks = browser.get(response["Location"])
        assert thanks.status_code == 200
        # The thanks page shows the sign-up; its markup without one is the baseline.
        before_thanks = browser.get(response["Location"].split("?")[0]).content.decode()
        assert_escaped(thanks.content.decode(), list(data.values()), before + before_thanks)


@pytest.mark.django_db
def test_a_nul_character_is_refused_in_danish(browser, activity):
    """PostgreSQL cannot store NUL: the form refuses it before it gets there."""
    data = {"name": "Mette\x00", "email": "meha@faxekommune.dk", "workplace": "Haslev"}
    response = browser.post(activity.signup_url(), {**data, "token": browser.token})
    assert response.status_code == 200
    summary = soup(response).select_one(".error-summary").get_text()
    assert "Navn: Null-tegn er ikke tilladte." in summary
    assert not SignUp.objects.exists()


@pytest.mark.django_db
@HOSTILE
@given(body=st.lists(st.binary(max_size=80), min_size=4, max_size=4))
def test_the_sign_up_form_survives_bytes_that_are_not_utf8(browser, activity, body):
    fields = dict(zip(["name", "email", "workplace", "comment"], body, strict=True))
    encoded = "&".join(f"{name}={quote_from_bytes(value)}" for name, value in fields.items())
    response = browser.post(
        activity.signup_url(),
        f"{encoded}&token={browser.token}",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert not SignUp.objects.exists()


@pytest.mark.django_db
@HOSTILE
@given(token=hostile)
def test_a_hostile_token_gets_the_form_again_and_saves_nothing(browser, activity, token):
    before = browser.get(activity.signup_url()).content.decode()
    data = {"name": "Mette Hansen", "email": "meha@faxekommune.dk", "workplace": "Haslev"}

    response = browser.post(activity.signup_url(), {**data, "token": token})

    assert response.status_code == 200
    page = soup(response)
    assert RESEND in page.select_one(".error-summary").get_text()
    assert page.select_one("#id_name")["value"] == "Mette Hansen"
    assert page.select_one("input[name=token]")["value"] not in ("", token)
    assert_escaped(response.content.decode(), [token], before)
    assert not SignUp.objects.exists()


# The search and the other public query parameters


@pytest.mark.django_db
@HOSTILE
@given(query=hostile, page_number=st.one_of(st.none(), hostile, st.integers().map(str)))
def test_the_search_survives_hostile_input(client, seeded, query, page_number):
    before = client.get("/soeg/").content.decode()
    params = {"q": query} | ({"side": page_number} if page_number is not None else {})

    response = client.get("/soeg/", params)

    # A page number that is no page is the site's 404 page (base/pagination.py).
    assert response.status_code in ((200,) if page_number in (None, "1") else (200, 404))
    assert_escaped(response.content.decode(), [query, page_number or ""], before)


@pytest.mark.django_db
@HOSTILE
@given(raw=st.binary(max_size=300))
def test_the_search_survives_bytes_that_are_not_utf8(client, seeded, raw):
    response = client.get("/soeg/", QUERY_STRING=f"q={quote_from_bytes(raw)}")
    assert response.status_code == 200


@pytest.mark.django_db
@HOSTILE
@given(
    where=st.sampled_from(
        [
            ("/aktiviteter/", "type"),
            ("/aktiviteter/", "side"),
            ("/fortaellinger/", "tag"),
            ("/fortaellinger/", "side"),
            ("signup_thanks", "kvittering"),
        ]
    ),
    value=hostile,
)
def test_public_query_parameters_survive_hostile_input(client, activity, where, value):
    path, parameter = where
    if path == "signup_thanks":
        path = activity.url + "tilmelding/tak/"
    before = client.get(path).content.decode()

    response = client.get(f"{path}?{urlencode({parameter: value})}")

    # The listings answer an unknown filter or page number with the site's 404 page.
    assert response.status_code in ((200,) if path.endswith("/tak/") else (200, 404))
    assert_escaped(response.content.decode(), [value], before)
