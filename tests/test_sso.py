"""Editors sign in with the municipality's account (accounts/sso.py), against a real OpenID
Connect provider on loopback (tests/support/oidc.py): the editor's browser is the test client on
the site's side and plain HTTP requests on the provider's, the site talks to the provider
itself. What the editor notices: where each step leads, the Danish message on the login page,
and what they may do afterwards."""

import base64
import hashlib
import os
import re
import subprocess
import sys
import time
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.contrib.auth.models import User
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import sso, two_factor
from accounts.models import ProviderAccount
from tests.support.concurrency import at_once
from tests.support.html import soup
from tests.support.logins import PASSWORD, log_in
from tests.support.oidc import (
    ANNE,
    CLIENT_ID,
    DOMAIN,
    another_key,
    running_provider,
    unverified_claims,
)
from tests.support.processes import BASE_DIR, free_port

LOGIN_URL = "/admin/login/"
START_URL = "/admin/sso/login/"
BUTTON = "Log ind med kommunens konto"


@pytest.fixture
def provider(settings, db):
    with running_provider() as provider:
        provider.configure(settings)
        provider.set_user("anne-sub", **ANNE)
        yield provider


def go_to_provider(client, next_url=None):
    """The editor clicks the button: the site's answer, a redirect to the provider."""
    response = client.get(START_URL, {"next": next_url} if next_url else {})
    assert response.status_code == 302, response
    return response["Location"]


def answer_at_provider(authorize_url: str, sub: str) -> str:
    """The editor signs in on the provider's page as `sub`; where the provider sends them."""
    page = requests.get(authorize_url, timeout=5)
    assert page.status_code == 200, page.text
    answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def local(url: str) -> str:
    """The site's own address from an absolute one (the test client takes paths)."""
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


def sign_in(client, sub="anne-sub", next_url=None):
    """The whole round: button, provider, back at the site; the site's last answer."""
    callback = answer_at_provider(go_to_provider(client, next_url), sub)
    return client.get(local(callback))


def login_page_message(client, response) -> str:
    """The message on the login page the response leads to (followed like a browser)."""
    assert response.status_code == 302, response
    assert response["Location"] == LOGIN_URL, response["Location"]
    page = client.get(LOGIN_URL)
    return soup(page).select_one(".messages").get_text(" ", strip=True)


def fifteen_minutes_later(client) -> None:
    """The session's next check with the provider is due (OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS)."""
    session = client.session
    session["oidc_id_token_expiration"] = time.time() - 1
    session.save()


def is_signed_in(client) -> bool:
    return client.get("/admin/").status_code == 200


def test_the_login_page_offers_the_municipal_account(client, provider):
    page = soup(client.get(f"{LOGIN_URL}?next=/admin/pages/"))
    link = page.find("a", string=BUTTON)
    assert link["href"] == f"{START_URL}?next=%2Fadmin%2Fpages%2F"
    # The password form is still there, for the administrator and when the provider is down.
    assert page.select_one("input[name=password]")


def test_the_sites_login_page_offers_it_and_returns_to_the_page(client, provider, seeded):
    """Login-restricted pages send visitors to the site's own login page: an editor without a
    password of their own signs in there too, and comes back to the page."""
    page = soup(client.get("/_util/login/?next=/baggrund/"))
    link = page.find("a", string=BUTTON)
    assert link["href"] == f"{START_URL}?next=%2Fbaggrund%2F"
    response = sign_in(client, next_url="/baggrund/")
    assert response["Location"] == "/baggrund/"


def test_without_a_provider_the_login_page_is_as_before(client, db):
    page = client.get(LOGIN_URL)
    assert BUTTON not in page.text
    assert BUTTON not in client.get("/_util/login/").text
    assert client.get(START_URL).status_code == 404
    assert client.get("/admin/sso/callback/?code=x&state=y").status_code == 404


def test_the_first_sign_in_creates_a_procesleder_from_the_claims(client, provider):
    response = sign_in(client, next_url="/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/pages/"
    assert client.get("/admin/pages/", follow=True).status_code == 200
    user = User.objects.get(email=ANNE["email"])
    assert (user.username, user.first_name, user.last_name) == (ANNE["email"], "Anne", "Jensen")
    assert list(user.groups.values_list("name", flat=True)) == ["Procesleder"]
    assert not user.is_superuser and not user.is_staff
    assert not user.has_usable_password()
    link = ProviderAccount.objects.get(user=user)
    assert (link.issuer, link.subject) == (provider.issuer, "anne-sub")
    # The dashboard greets her by name, in Danish.
    assert "Anne" in client.get("/admin/").text


def test_the_code_is_exchanged_with_pkce(client, provider):
    authorize_url = go_to_provider(client)
    query = parse_qs(urlsplit(authorize_url).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["client_id"] == [CLIENT_ID]
    assert query["nonce"] and query["state"]
    client.get(local(answer_at_provider(authorize_url, "anne-sub")))
    verifier = provider.token_requests[-1]["code_verifier"]
    digest = hashlib.sha256(verifier.encode()).digest()
    assert base64.urlsafe_b64encode(digest).rstrip(b"=").decode() == query["code_challenge"][0]
    assert is_signed_in(client)


def test_a_next_address_off_the_site_leads_to_the_admin(client, provider):
    response = sign_in(client, next_url="https://evil.example/admin/")
    assert response["Location"] == "/admin/"


def test_an_account_closed_here_is_refused(client, provider):
    sign_in(client)
    User.objects.filter(email=ANNE["email"]).update(is_active=False)
    other_browser = Client()
    assert login_page_message(other_browser, sign_in(other_browser)) == sso.INACTIVE
    assert not is_signed_in(other_browser)


def test_a_name_alone_is_split_into_first_and_last(client, provider):
    claims = {key: value for key, value in ANNE.items() if not key.endswith("_name")}
    provider.set_user("anne-sub", **{**claims, "name": "Anne Marie Jensen"})
    sign_in(client)
    user = User.objects.get(email=ANNE["email"])
    assert (user.first_name, user.last_name) == ("Anne Marie", "Jensen")


def test_the_editor_is_found_by_subject_when_name_and_address_change(client, provider):
    sign_in(client)
    first = User.objects.get(email=ANNE["email"])
    new_address = f"anne.holm@{DOMAIN}"
    provider.set_user(
        "anne-sub", **{**ANNE, "email": new_address, "family_name": "Holm", "name": "Anne Holm"}
    )
    sign_in(Client())
    user = User.objects.get(pk=first.pk)
    assert (user.email, user.last_name) == (new_address, "Holm")
    assert User.objects.count() == 1


def test_the_session_lasts_as_a_password_session(client, provider):
    response = sign_in(client)
    cookie = response.cookies["sessionid"]
    # Ends when the browser closes (no Max-Age), and after 8 hours at the most.
    assert not cookie["max-age"]
    assert client.session.get_expiry_age() <= 8 * 60 * 60
    # The next check with the provider is due in 15 minutes.
    assert client.session["oidc_id_token_expiration"] - time.time() == pytest.approx(900, abs=30)


def test_the_administrator_sees_how_each_editor_signs_in(client, provider, procesleder):
    sign_in(Client())
    admin = User.objects.create_superuser("admin", "it@faxekommune.dk", PASSWORD)
    client.force_login(admin)
    rows = {
        row.select_one("td.username").get_text(strip=True): row.get_text(" ", strip=True)
        for row in soup(client.get("/admin/users/")).select("tbody tr")
    }
    assert "Logger ind med" in client.get("/admin/users/").text
    assert "Kommunens konto" in rows[ANNE["email"]]
    assert "Adgangskode" not in rows[ANNE["email"]]
    assert "Adgangskode" in rows["procesleder"] and "Kommunens" not in rows["procesleder"]


def test_endpoints_set_one_by_one_need_no_discovery(client, provider, settings):
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider.url}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider.url}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider.url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider.url}/jwks"
    settings.OIDC_OP_LOGOUT_ENDPOINT = f"{provider.url}/oauth2/end_session"
    sign_in(client)
    assert is_signed_in(client)
    assert client.post("/admin/logout/")["Location"].startswith(settings.OIDC_OP_LOGOUT_ENDPOINT)
    assert "/.well-known/openid-configuration" not in provider.paths_asked


def test_a_changed_role_changes_the_rights_at_the_next_sign_in(client, provider, seeded):
    edit_url = f"/admin/pages/{seeded['baggrund'].pk}/edit/"
    sign_in(client)
    assert client.get(edit_url).status_code == 200

    provider.set_user("anne-sub", **{**ANNE, "roles": ["Læser"]})
    other_browser = Client()
    message = login_page_message(other_browser, sign_in(other_browser))
    assert message == sso.NO_ROLE
    assert not is_signed_in(other_browser)
    user = User.objects.get(email=ANNE["email"])
    assert not user.groups.exists()
    # The rights are gone in the session she still has open, too.
    assert client.get(edit_url).status_code in (302, 403)

    provider.set_user("anne-sub", **ANNE)
    sign_in(other_browser)
    assert other_browser.get(edit_url).status_code == 200


def test_someone_never_given_the_role_gets_no_account(client, provider):
    provider.set_user("bo-sub", **{**ANNE, "email": f"bo@{DOMAIN}", "roles": []})
    assert login_page_message(client, sign_in(client, "bo-sub")) == sso.NO_ROLE
    assert not User.objects.filter(email=f"bo@{DOMAIN}").exists()


def test_a_password_account_with_the_address_is_the_same_editor(client, provider, procesleder):
    procesleder.email = ANNE["email"].upper()
    procesleder.save()
    sign_in(client)
    assert is_signed_in(client)
    assert User.objects.filter(email__iexact=ANNE["email"]).count() == 1
    assert ProviderAccount.objects.get().user == procesleder
    # Her password still works, as the fallback.
    assert log_in(Client()).status_code == 302


def test_nobody_becomes_an_administrator_through_the_provider(client, provider, django_user_model):
    django_user_model.objects.create_superuser("admin", ANNE["email"], PASSWORD)
    assert login_page_message(client, sign_in(client)) == sso.ADMINISTRATOR
    assert not is_signed_in(client)
    assert not ProviderAccount.objects.exists()


def test_an_address_outside_the_municipality_is_refused(client, provider, caplog):
    provider.set_user("ext-sub", **{**ANNE, "email": "anne@gmail.com"})
    assert login_page_message(client, sign_in(client, "ext-sub")) == sso.FOREIGN_DOMAIN
    # The operator sees why, at warning level.
    assert "Sign-in through the provider refused: e-mail domain 'gmail.com' not allowed" in (
        caplog.text
    )
    assert not is_signed_in(client)
    assert not User.objects.filter(email="anne@gmail.com").exists()


@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        pytest.param(lambda claims: {**claims, "aud": "another-app"}, sso.INVALID_ANSWER, id="aud"),
        pytest.param(
            lambda claims: {**claims, "aud": [CLIENT_ID, "another-app"], "azp": "another-app"},
            sso.INVALID_ANSWER,
            id="azp",
        ),
        pytest.param(
            lambda claims: {**claims, "iss": "https://login.example.org"},
            sso.INVALID_ANSWER,
            id="issuer",
        ),
        pytest.param(
            lambda claims: {
                **claims,
                "iat": int(time.time()) - 7200,
                "exp": int(time.time()) - 3600,
            },
            sso.EXPIRED_ANSWER,
            id="expired",
        ),
        pytest.param(lambda claims: {**claims, "nonce": "another"}, sso.INVALID_ANSWER, id="nonce"),
    ],
)
def test_a_token_not_for_this_sign_in_is_refused(client, provider, tamper, message):
    provider.tamper = tamper
    assert login_page_message(client, sign_in(client)) == message
    assert not is_signed_in(client)
    assert not User.objects.filter(email=ANNE["email"]).exists()


def test_a_token_signed_by_another_key_is_refused(client, provider):
    provider.tamper = lambda claims: claims
    provider.tamper_key = another_key()
    assert login_page_message(client, sign_in(client)) == sso.INVALID_ANSWER
    assert not is_signed_in(client)


def test_a_replayed_nonce_is_refused(client, provider):
    """An ID token from an earlier sign-in (its nonce) handed back in a new one."""
    sign_in(client)
    earlier = provider.issued_id_tokens[-1]
    earlier_nonce = unverified_claims(earlier)["nonce"]
    provider.tamper = lambda claims: {**claims, "nonce": earlier_nonce}
    other_browser = Client()
    assert login_page_message(other_browser, sign_in(other_browser)) == sso.INVALID_ANSWER
    assert not is_signed_in(other_browser)


def test_a_replayed_answer_is_refused(client, provider):
    """The provider's answer (code and state) used a second time, by the same browser or
    another."""
    callback = local(answer_at_provider(go_to_provider(client), "anne-sub"))
    client.get(callback)
    assert is_signed_in(client)
    for browser in (client, Client()):
        assert login_page_message(browser, browser.get(callback)) == sso.USED_ANSWER
        assert not is_signed_in(browser)


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?code=x",
        "?state=x",
        "?code=x&state=y",
        "?error=access_denied&state=%0Ajunk",
        "?code=" + "x" * 5000 + "&state=" + "y" * 5000,
        "?error=%00&error_description=%0A%0D",
    ],
)
def test_a_hostile_callback_gets_the_login_page(client, provider, query):
    message = login_page_message(client, client.get(f"/admin/sso/callback/{query}"))
    assert message in {sso.INVALID_ANSWER, sso.USED_ANSWER, sso.CANCELLED}
    assert not is_signed_in(client)


def test_the_editor_cancelling_at_the_provider_is_told(client, provider):
    authorize_url = go_to_provider(client)
    answer = requests.post(authorize_url, data={"action": "deny"}, allow_redirects=False, timeout=5)
    assert login_page_message(client, client.get(local(answer.headers["Location"]))) == (
        sso.CANCELLED
    )


def test_a_sign_in_with_mfa_needs_no_code_of_the_sites(client, provider, settings):
    settings.FAXEIF_REQUIRE_2FA = True
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_a_sign_in_without_mfa_asks_for_the_sites_own_code(client, provider, settings):
    settings.FAXEIF_REQUIRE_2FA = True
    provider.set_user("anne-sub", **{**ANNE, "amr": ["pwd"]})
    sign_in(client)
    # A Procesleder without an authenticator app sets one up first (production's rule) ...
    assert client.get("/admin/")["Location"] == "/admin/two-factor/"
    user = User.objects.get(email=ANNE["email"])
    device = two_factor.pending_app_device(user)
    two_factor.confirm_app_device(device)
    # ... and with one, gives its code at the next sign-in.
    other_browser = Client()
    sign_in(other_browser)
    assert other_browser.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_an_acr_value_can_count_as_mfa(client, provider, settings):
    settings.FAXEIF_REQUIRE_2FA = True
    settings.OIDC_MFA_ACR_VALUES = ["urn:faxe:mfa"]
    provider.set_user("anne-sub", **{**ANNE, "amr": ["pwd"], "acr": "urn:faxe:mfa"})
    sign_in(client)
    assert client.get("/admin/").status_code == 200


def test_signing_out_ends_the_session_at_the_provider_too(client, provider):
    sign_in(client)
    id_token = provider.issued_id_tokens[-1]
    response = client.post("/admin/logout/")
    assert response.status_code == 302
    target = urlsplit(response["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{provider.url}/oauth2/end_session"
    query = parse_qs(target.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == ["http://testserver/admin/login/"]
    assert not is_signed_in(client)
    # The provider's page confirms, then leads back to the login page.
    confirm = requests.get(response["Location"], timeout=5)
    assert confirm.status_code == 200
    assert "http://testserver/admin/login/" in confirm.text


def test_password_logins_are_still_locked_out_after_five_failures(client, provider, procesleder):
    for _ in range(5):
        log_in(client, password="forkert-adgangskode")
    locked = log_in(client)
    assert locked.status_code == 429
    assert "For mange mislykkede forsøg" in locked.text
    assert not is_signed_in(client)


def test_the_administrator_logs_in_with_password_and_code(client, provider, settings):
    """The break-glass account: a superuser with the password and the site's own code, also
    while the provider is down."""
    settings.FAXEIF_REQUIRE_2FA = True
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"
    admin = User.objects.create_superuser("admin", "it@faxekommune.dk", PASSWORD)
    log_in(client, username="admin")
    assert client.get("/admin/")["Location"] == "/admin/two-factor/"
    two_factor.confirm_app_device(two_factor.pending_app_device(admin))
    browser = Client()
    log_in(browser, username="admin")
    assert browser.get("/admin/")["Location"].startswith("/admin/two-factor/verify/")


def test_a_password_login_signs_out_here_only(client, provider, procesleder):
    log_in(client)
    response = client.post("/admin/logout/")
    assert response["Location"] == LOGIN_URL


def test_the_session_is_checked_with_the_provider_every_15_minutes(client, provider):
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    fifteen_minutes_later(client)
    # A fetch or a frame is not sent away ...
    fetch = client.get("/admin/", headers={"Sec-Fetch-Mode": "cors", "Sec-Fetch-Dest": "empty"})
    assert fetch.status_code == 200
    # ... a page is, silently, to the provider.
    check = client.get("/admin/pages/", headers={"Sec-Fetch-Mode": "navigate"})
    target = urlsplit(check["Location"])
    assert target.netloc == urlsplit(provider.url).netloc
    query = parse_qs(target.query)
    assert query["prompt"] == ["none"]
    # The provider says her session there has ended (a closed account says the same).
    ended = client.get(
        "/admin/sso/callback/", {"error": "login_required", "state": query["state"][0]}
    )
    assert login_page_message(client, ended) == sso.PROVIDER_SESSION_ENDED
    assert not is_signed_in(client)


def test_the_session_check_renews_the_role(client, provider, seeded):
    """The silent check's answer is a sign-in like any: a role removed meanwhile ends it."""
    sign_in(client)
    fifteen_minutes_later(client)
    check = client.get("/admin/")
    provider.set_user("anne-sub", **{**ANNE, "roles": []})
    # This provider keeps no session of its own, so it cannot answer prompt=none with a
    # sign-in: the same request without it, and the editor's "yes", stand for the silent one.
    assert "prompt=none" in check["Location"]
    callback = answer_at_provider(check["Location"].replace("prompt=none", ""), "anne-sub")
    assert login_page_message(client, client.get(local(callback))) == sso.NO_ROLE
    assert not is_signed_in(client)


def test_password_sessions_are_never_sent_to_the_provider(client, provider, procesleder):
    log_in(client)
    fifteen_minutes_later(client)
    assert client.get("/admin/").status_code == 200


def test_a_provider_that_is_down_leaves_the_password(client, provider, settings, procesleder):
    settings.OIDC_OP_ISSUER = "http://127.0.0.1:9"  # nothing listens on the discard port
    response = client.get(START_URL)
    assert login_page_message(client, response) == sso.PROVIDER_DOWN
    assert log_in(client).status_code == 302
    assert is_signed_in(client)


def test_the_provider_stopping_mid_sign_in_is_told(client, settings, db):
    with running_provider() as provider:
        provider.configure(settings)
        provider.set_user("anne-sub", **ANNE)
        callback = answer_at_provider(go_to_provider(client), "anne-sub")
    # Stopped before the site could exchange the code.
    assert login_page_message(client, client.get(local(callback))) == sso.PROVIDER_DOWN
    assert not is_signed_in(client)


def test_half_the_settings_stop_the_site_from_starting():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "faxeif.settings.test",
            "OIDC_ISSUER": "https://login.microsoftonline.com/tenant/v2.0",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert re.search(
        r"Set these environment variables too: OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, "
        r"OIDC_ALLOWED_EMAIL_DOMAINS",
        result.stderr,
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_twenty_first_sign_ins_at_once_make_one_editor(settings):
    """The same new editor comes back from the provider in 20 tabs at the same moment (each a
    sign-in of its own, each request on its own database connection)."""
    with running_provider() as provider:
        provider.configure(settings)
        provider.set_user("anne-sub", **ANNE)
        browsers = [Client() for _ in range(20)]
        callbacks = [local(answer_at_provider(go_to_provider(b), "anne-sub")) for b in browsers]
        answers = at_once(
            *[lambda b=b, c=c: b.get(c) for b, c in zip(browsers, callbacks, strict=True)]
        )
    assert [getattr(answer, "status_code", answer) for answer in answers] == [302] * 20
    assert all(answer["Location"] == "/admin/" for answer in answers)
    assert all(is_signed_in(browser) for browser in browsers)
    assert User.objects.filter(email=ANNE["email"]).count() == 1
    assert ProviderAccount.objects.count() == 1


def test_make_provider_serves_the_three_accounts_for_make_run(client, settings, db):
    """`make provider`'s script, as the README says to try it: its printed settings, and its
    accounts' buttons on the sign-in page, each leading where the README says."""
    port = free_port()
    script = subprocess.Popen(
        [sys.executable, "scripts/oidc_provider.py"],
        cwd=BASE_DIR,
        env={**os.environ, "PROVIDER_PORT": str(port)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        lines = [script.stdout.readline() for _ in range(3)]
        assert lines[0].startswith(f"OpenID Connect provider at http://127.0.0.1:{port} ")
        printed = dict(item.split("=", 1) for item in lines[2].split()[:-2])
        assert printed == {
            "OIDC_ISSUER": f"http://127.0.0.1:{port}",
            "OIDC_CLIENT_ID": "faxeif-test",
            "OIDC_CLIENT_SECRET": "test-client-secret",
            "OIDC_ALLOWED_EMAIL_DOMAINS": DOMAIN,
        }
        settings.OIDC_OP_ISSUER = printed["OIDC_ISSUER"]
        settings.OIDC_RP_CLIENT_ID = printed["OIDC_CLIENT_ID"]
        settings.OIDC_RP_CLIENT_SECRET = printed["OIDC_CLIENT_SECRET"]
        settings.OIDC_ALLOWED_EMAIL_DOMAINS = [printed["OIDC_ALLOWED_EMAIL_DOMAINS"]]
        settings.FAXEIF_REQUIRE_2FA = True
        sign_in_page = requests.get(go_to_provider(client), timeout=5).text
        for account in ("procesleder", "uden-mfa", "medarbejder"):
            assert f'name="sub" value="{account}"' in sign_in_page

        sign_in(client, "procesleder")
        assert client.get("/admin/").status_code == 200
        without_mfa = Client()
        sign_in(without_mfa, "uden-mfa")
        assert without_mfa.get("/admin/")["Location"] == "/admin/two-factor/"
        colleague = Client()
        assert login_page_message(colleague, sign_in(colleague, "medarbejder")) == sso.NO_ROLE
    finally:
        script.terminate()
        script.wait(10)
