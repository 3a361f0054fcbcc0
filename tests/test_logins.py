"""Logins that resist guessing: failed logins and password-reset requests are throttled per
username (or e-mail) and address, editors' sessions end, and passwords must be strong."""

import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone
from wagtail.test.utils.form_data import querydict_from_html

from accounts.models import PasswordResetRequest
from tests.support.logins import PASSWORD, log_in
from tests.support.processes import BASE_DIR

LOCKED = "For mange mislykkede forsøg"
RESET_REFUSED = "Der er bedt om en ny adgangskode for mange gange"


def is_logged_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def fail_five_times(client, username="procesleder", address="127.0.0.1", **headers):
    for _ in range(5):
        log_in(client, username, "forkert-adgangskode", address, **headers)


def move_back(model, minutes):
    """Time passes: the stored attempts happened `minutes` earlier."""
    for row in model.objects.all():
        field = "attempt_time" if model is AccessAttempt else "requested_at"
        model.objects.filter(pk=row.pk).update(
            **{field: getattr(row, field) - timedelta(minutes=minutes)}
        )


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_username_even_for_the_right_one(client, procesleder):
    for _ in range(4):
        response = log_in(client, password="forkert-adgangskode")
        assert response.status_code == 200
        assert "og din adgangskode passer ikke sammen. Prøv igen." in response.text
    fifth = log_in(client, password="forkert-adgangskode")
    assert fifth.status_code == 429
    assert LOCKED in fifth.text and "15 minutter" in fifth.text

    refused = log_in(client)
    assert refused.status_code == 429
    assert LOCKED in refused.text
    # The lockout page is the admin's login page, ready for a later attempt.
    assert 'class="login-form"' in refused.text
    assert not is_logged_in(client)


@pytest.mark.django_db
def test_the_lock_holds_that_username_from_that_address_only(
    client, procesleder, django_user_model
):
    django_user_model.objects.create_superuser("redaktion", password="en-anden-lang-kode-7")
    fail_five_times(client, address="192.0.2.10")
    assert log_in(client, address="192.0.2.10").status_code == 429

    log_in(client, "redaktion", "en-anden-lang-kode-7", address="192.0.2.10")
    assert is_logged_in(client)
    client.logout()

    log_in(client, address="192.0.2.11")
    assert is_logged_in(client)


@pytest.mark.django_db
def test_after_fifteen_minutes_the_username_may_log_in_again(client, procesleder):
    fail_five_times(client)
    move_back(AccessAttempt, 14)
    assert log_in(client).status_code == 429
    move_back(AccessAttempt, 1)
    log_in(client)
    assert is_logged_in(client)


@pytest.mark.django_db
def test_a_successful_login_starts_the_count_again(client, procesleder):
    for _ in range(4):
        log_in(client, password="forkert-adgangskode")
    log_in(client)
    assert is_logged_in(client)
    client.logout()
    for _ in range(4):
        log_in(client, password="forkert-adgangskode")
    log_in(client)
    assert is_logged_in(client)


@pytest.mark.django_db
def test_behind_the_front_server_the_visitor_address_counts(client, procesleder, settings):
    """Every request comes from the front server's address; the visitor's is the one the front
    server appended to X-Forwarded-For. What a client puts further left is not believed."""
    settings.FAXEIF_PROXY_COUNT = 1
    fail_five_times(client, x_forwarded_for="203.0.113.5")
    assert log_in(client, x_forwarded_for="203.0.113.5").status_code == 429
    spoofed = log_in(client, x_forwarded_for="203.0.113.99, 203.0.113.5")
    assert spoofed.status_code == 429

    log_in(client, x_forwarded_for="203.0.113.6")
    assert is_logged_in(client)


def request_reset(client, email, address="127.0.0.1"):
    return client.post("/admin/password_reset/", {"email": email}, REMOTE_ADDR=address)


@pytest.mark.django_db
def test_password_reset_requests_are_throttled_without_telling_who_has_an_account(
    client, procesleder
):
    procesleder.email = "procesleder@faxe.dk"
    procesleder.save()
    for email in ("procesleder@faxe.dk", "ingen@faxe.dk"):
        for _ in range(5):
            assert request_reset(client, email).url == "/admin/password_reset/done/"
        refused = request_reset(client, email)
        assert refused.status_code == 429
        assert RESET_REFUSED in refused.text
    # Only the existing account got mails, and no more than five.
    assert len(mail.outbox) == 5
    assert {message.to[0] for message in mail.outbox} == {"procesleder@faxe.dk"}

    # Another address may ask; after 15 minutes this one may ask again.
    assert request_reset(client, "procesleder@faxe.dk", "192.0.2.20").status_code == 302
    move_back(PasswordResetRequest, 15)
    assert request_reset(client, "procesleder@faxe.dk").status_code == 302
    assert len(mail.outbox) == 7


@pytest.mark.django_db
def test_an_editor_session_ends_after_eight_hours_or_with_the_browser(client, procesleder):
    response = log_in(client)
    cookie = response.cookies["sessionid"]
    assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
    assert client.session.get_expiry_age() == 8 * 60 * 60
    assert is_logged_in(client)

    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/admin/")
    assert response.status_code == 302 and response.url.startswith("/admin/login/")


@pytest.mark.django_db
def test_remember_me_keeps_the_session_for_eight_hours_only(client, procesleder):
    response = client.post(
        "/admin/login/", {"username": "procesleder", "password": PASSWORD, "remember": "on"}
    )
    assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


@pytest.mark.django_db
def test_a_short_password_is_refused_in_danish(procesleder_client, procesleder):
    account_page = procesleder_client.get("/admin/account/").text
    form = querydict_from_html(account_page)
    form.update(
        {
            "password-old_password": PASSWORD,
            "password-new_password1": "kort-kode1",
            "password-new_password2": "kort-kode1",
        }
    )
    response = procesleder_client.post("/admin/account/", form)
    assert "Denne adgangskode er for kort. Den skal indeholde mindst 12 tegn." in response.text
    procesleder.refresh_from_db()
    assert procesleder.check_password(PASSWORD)


def test_production_requires_two_factor_and_trusts_one_front_server():
    """What production.py sets (it reads the environment, so it is imported in a process of its
    own)."""
    code = (
        "from faxeif.settings import production as p; "
        "print(p.FAXEIF_REQUIRE_2FA, p.FAXEIF_PROXY_COUNT, p.ENSURE_ADMIN_MAY_GENERATE_PASSWORD)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "faxeifaellesskab.dk",
        "DATABASE_URL": "sqlite:///:memory:",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.stdout.split() == ["True", "1", "False"], result.stderr


# The site's login page (/_util/login/), where login-restricted pages and documents send
# visitors.

SITE_LOGIN_URL = "/_util/login/"


def log_in_on_the_site(client, password=PASSWORD, next_url="/baggrund/"):
    return client.post(
        SITE_LOGIN_URL, {"username": "procesleder", "password": password, "next": next_url}
    )


@pytest.mark.django_db
def test_the_site_login_page_locks_out_in_danish(client, procesleder):
    page = client.get(f"{SITE_LOGIN_URL}?next=/baggrund/")
    assert page.status_code == 200
    assert "<h1" in page.text and "Log ind" in page.text and 'lang="da"' in page.text
    for _ in range(4):
        assert log_in_on_the_site(client, "forkert-adgangskode").status_code == 200
    fifth = log_in_on_the_site(client, "forkert-adgangskode")
    assert fifth.status_code == 429
    assert LOCKED in fifth.text and "15 minutter" in fifth.text

    refused = log_in_on_the_site(client)
    assert refused.status_code == 429
    assert LOCKED in refused.text
    assert 'name="password"' in refused.text  # the form, ready for a later attempt
    assert not is_logged_in(client)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "hostile_next",
    ["https://evil.example/", "//evil.example/", "javascript:alert(1)", "/\\evil.example/"],
)
def test_the_site_login_never_leads_off_the_site(client, procesleder, seeded, hostile_next):
    form = client.get(SITE_LOGIN_URL, {"next": hostile_next})
    assert "evil" not in form.text and "javascript" not in form.text
    response = log_in_on_the_site(client, next_url=hostile_next)
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get(response.url).status_code == 200


@pytest.mark.django_db
def test_the_site_login_returns_to_the_page_the_visitor_came_from(client, procesleder, seeded):
    response = log_in_on_the_site(client, next_url="/baggrund/?side=2")
    assert response.url == "/baggrund/?side=2"
    assert is_logged_in(client)
