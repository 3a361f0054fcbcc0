"""The sign-up form's own token, in place of Django's CSRF cookie (activities/forms.py): the form
sets no cookie and its page is cached; a post needs a token that the form of the same activity
gave within its lifetime, from the site's own page; anything else gets the form back with what was
typed and a Danish request to send it again, never an error page, and nothing is saved."""

import datetime
import time

import pytest
from django.conf import settings
from django.core import mail, signing
from django.test import Client, TestCase
from django.utils import timezone
from wagtail.models import PageViewRestriction

from activities.forms import DUPLICATE, RESEND, TOKEN_SALT
from activities.signups import SignUp
from tests.support.html import soup, text_of
from tests.support.logins import log_in
from tests.support.showcase_activities import add_activity, days_ahead, form_token, sign_up

TYPED = {
    "name": "Mette Hansen",
    "email": "meha@faxekommune.dk",
    "workplace": "Haslev Bibliotek",
    "comment": "Jeg kommer lidt senere.",
}


def issued(activity_pk, seconds_ago: int) -> str:
    """A token signed with the site's key as the form signs it, issued `seconds_ago` ago."""

    class Then(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    return Then(salt=TOKEN_SALT).sign_object(activity_pk)


def post(client, activity, token, **headers):
    # The confirmation is queued when the sign-up commits (see showcase_activities.sign_up).
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(activity.signup_url(), {**TYPED, "token": token}, headers=headers)


def assert_form_again(response):
    """The form again, as a person sees it: what was typed, the Danish request to send it again
    with nothing to correct, and a fresh token that the next post can use."""
    assert response.status_code == 200
    page = soup(response)
    assert page.title.get_text().startswith("Fejl i tilmeldingen:")
    assert text_of(response, ".error-summary") == f"Tilmeldingen er ikke sendt. {RESEND}"
    assert page.select_one("#id_name")["value"] == "Mette Hansen"
    assert page.select_one("#id_email")["value"] == "meha@faxekommune.dk"
    assert page.select_one("#id_comment").get_text().strip() == "Jeg kommer lidt senere."
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert not response.cookies
    assert not SignUp.objects.exists() and not mail.outbox
    return page.select_one("input[name=token]")["value"]


@pytest.mark.django_db
def test_the_form_posts_its_token_without_any_cookie(temadag):
    browser = Client(enforce_csrf_checks=True)  # Django's CSRF check on, as in production
    token = form_token(browser, temadag)
    assert not browser.cookies

    response = post(browser, temadag, token)

    assert response.status_code == 302 and "kvittering=" in response["Location"]
    assert SignUp.objects.get().email == "meha@faxekommune.dk"
    assert not browser.cookies


@pytest.mark.django_db
@pytest.mark.parametrize(
    "what",
    ["none", "made up", "altered", "another activity's", "expired", "from another site"],
)
def test_a_post_without_a_good_token_gets_the_form_back_with_what_was_typed(
    client, index, temadag, what
):
    other = add_activity(index, "Seminar", days_ahead(12), signup_enabled=True)
    good = form_token(client, temadag)
    token, headers = {
        "none": ("", {}),
        "made up": ("MTI:1tilmelding:abc", {}),
        "altered": (good[:-1] + ("A" if good[-1] != "A" else "B"), {}),
        "another activity's": (form_token(client, other), {}),
        "expired": (issued(temadag.pk, settings.SIGNUP_FORM_TOKEN_MAX_AGE + 60), {}),
        "from another site": (good, {"Origin": "https://angriber.example"}),
    }[what]

    fresh = assert_form_again(post(Client(enforce_csrf_checks=True), temadag, token, **headers))

    # Sent again from the form that came back: signed up.
    response = post(client, temadag, fresh)
    assert response.status_code == 302
    assert SignUp.objects.get().name == "Mette Hansen"


@pytest.mark.django_db
def test_a_token_lasts_its_lifetime_and_a_post_from_the_site_itself_is_taken(client, temadag):
    nearly_expired = issued(temadag.pk, settings.SIGNUP_FORM_TOKEN_MAX_AGE - 60)
    origin = "http://testserver"  # the Origin header a browser sends with the site's own form
    assert post(client, temadag, nearly_expired, Origin=origin).status_code == 302
    assert SignUp.objects.count() == 1


@pytest.mark.django_db
def test_a_refused_token_beside_a_typing_error_asks_for_both(client, temadag):
    response = client.post(temadag.signup_url(), {**TYPED, "email": "ikke-en-adresse"})
    summary = text_of(response, ".error-summary")
    assert summary.startswith("Tilmeldingen er ikke sendt. Ret det, der er markeret:")
    assert RESEND in summary and "Arbejdsmail: Skriv en gyldig e-mailadresse" in summary
    assert soup(response).select_one("#id_email")["value"] == "ikke-en-adresse"


@pytest.mark.django_db
def test_a_double_click_signs_up_once_and_says_so_politely(client, temadag):
    token = form_token(client, temadag)
    first, second = post(client, temadag, token), post(client, temadag, token)
    assert first.status_code == 302
    assert second.status_code == 200
    assert " ".join(DUPLICATE.split()) in text_of(second, ".field--error")
    assert temadag.signups.count() == 1 and len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_editor_signing_up_is_a_visitor_like_any_other(client, procesleder, temadag):
    """The form does nothing with the session of an editor logged in to the admin, and that
    session's cookie stays off other sites' posts (SameSite=Lax) wherever on the site they go."""
    login = log_in(client)
    assert login.status_code == 302
    cookie = login.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["samesite"] == "Lax" and cookie["httponly"] and cookie["path"] == "/"
    session_key = client.session.session_key

    response = sign_up(client, temadag, name="Ida Jensen", email="ida@faxekommune.dk")

    assert response.status_code == 302 and not response.cookies
    signup = SignUp.objects.get()
    assert (signup.name, signup.email) == ("Ida Jensen", "ida@faxekommune.dk")
    assert client.session.session_key == session_key
    assert client.get("/admin/").status_code == 200, "still logged in, nothing else changed"
    # A post from another site's page ("null": a sandboxed one) is refused, whoever sends it.
    refused = post(client, temadag, form_token(Client(), temadag), Origin="null")
    assert refused.status_code == 200 and RESEND in text_of(refused, ".error-summary")
    assert SignUp.objects.count() == 1


@pytest.mark.django_db
def test_only_those_who_may_see_a_login_restricted_activity_get_its_tokens(
    client, procesleder, index
):
    private = add_activity(index, "Lederforum", days_ahead(10), signup_enabled=True)
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(private.signup_url()).status_code == 302  # to the login page
    response = post(client, private, issued(private.pk, 0))
    assert response.status_code == 302 and "/_util/login/" in response["Location"]
    assert not SignUp.objects.exists()

    client.force_login(procesleder)
    assert post(client, private, form_token(client, private)).status_code == 302
    assert SignUp.objects.get().activity_id == private.pk


@pytest.mark.django_db
def test_the_cached_form_is_renewed_before_its_token_is_half_way_to_expiry(client, index, settings):
    """With a token lifetime of 16 s the form page is rendered anew every 2 s: a visitor who
    gets the form from the cache gets a token far from half-way to its expiry."""
    settings.SIGNUP_FORM_TOKEN_MAX_AGE = 16
    activity = add_activity(index, "Temadag", days_ahead(10), signup_enabled=True)
    hits, token, rendered = 0, None, None
    give_up = time.time() + 20
    while time.time() < give_up:
        response = client.get(activity.signup_url())
        shown = soup(response).select_one("input[name=token]")["value"]
        if response["X-Cache"] == "HIT":
            hits += 1
            assert shown == token
            assert time.time() - rendered < settings.SIGNUP_FORM_TOKEN_MAX_AGE / 2
        elif hits:
            break  # rendered anew after being served from the cache
        else:
            token, rendered = shown, time.time()
        time.sleep(0.1)
    assert hits and response["X-Cache"] == "MISS" and shown != token
    assert time.time() - rendered < settings.SIGNUP_FORM_TOKEN_MAX_AGE / 2
    # The old token, still in the hands of whoever got it from the cache, still signs them up.
    assert post(client, activity, token).status_code == 302


@pytest.mark.django_db
def test_the_cached_form_shows_the_waiting_list_once_the_seats_are_taken(client, index):
    activity = add_activity(index, "Lille temadag", days_ahead(10), signup_enabled=True, capacity=1)

    def button(response) -> str:
        return soup(response).select_one("form.signup-form button").get_text()

    assert button(client.get(activity.signup_url())) == "Tilmeld mig"
    assert client.get(activity.signup_url())["X-Cache"] == "HIT"

    assert sign_up(Client(), activity).status_code == 302

    response = client.get(activity.signup_url())
    assert response["X-Cache"] == "MISS"
    assert button(response) == "Skriv mig på ventelisten"


@pytest.mark.django_db
def test_the_cached_form_closes_when_the_sign_up_does(client, index):
    deadline = timezone.now() + datetime.timedelta(seconds=5)
    activity = add_activity(
        index, "Temadag", days_ahead(10), signup_enabled=True, signup_deadline=deadline
    )
    assert soup(client.get(activity.signup_url())).select_one("form.signup-form") is not None
    time.sleep(max(0, (deadline - timezone.now()).total_seconds()) + 1.5)
    response = client.get(activity.signup_url())
    assert soup(response).select_one("form.signup-form") is None
    assert "Tilmeldingen er lukket." in text_of(response, "main")
