"""Two-factor authentication for editors: after the password, the admin waits for a code from
the authenticator app or a single-use backup code; set-up from Konto; required, in production,
for superusers and the Procesleder group."""

import re
from base64 import b32decode
from datetime import timedelta
from io import StringIO
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.management import call_command
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.documents import get_document_model
from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from accounts import two_factor
from pages.models import ContentPage
from tests.support.html import soup
from tests.support.logins import PASSWORD, log_in
from tests.support.showcase_activities import days_ahead, publish_activity

SETUP_URL = "/admin/two-factor/"
VERIFY_URL = "/admin/two-factor/verify/"
FRONTEND_LOGIN_URL = "/_util/login/"
WRONG_CODE = "Koden er forkert eller udløbet"


def app_code(key: bytes, offset: int = 0) -> str:
    """The code an authenticator app shows now for this key (offset: steps later)."""
    totp = TOTP(key, drift=offset)
    return f"{totp.token():06d}"


def wrong_code(key: bytes) -> str:
    accepted = {app_code(key, offset) for offset in (-1, 0, 1)}
    return next(code for code in (f"{n:06d}" for n in range(1_000_000)) if code not in accepted)


@pytest.fixture
def backup_codes(procesleder):
    """The procesleder has set up the app; these are the backup codes shown then."""
    device = two_factor.pending_app_device(procesleder)
    return two_factor.confirm_app_device(device)


@pytest.fixture
def app_key(procesleder, backup_codes):
    return TOTPDevice.objects.get(user=procesleder).bin_key


def a_moment_later():
    """After a wrong code django-otp accepts none for a second: let the second pass."""
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.exclude(throttling_failure_timestamp=None):
            device.throttling_failure_timestamp -= timedelta(seconds=2)
            device.save()


def opens_admin(client, path="/admin/") -> bool:
    return client.get(path).status_code == 200


@pytest.mark.django_db
def test_after_the_password_the_admin_waits_for_the_app_code(client, app_key):
    log_in(client)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response.url == f"{VERIFY_URL}?next=%2Fadmin%2Fpages%2F"
    assert client.get("/admin/").url.startswith(VERIFY_URL)
    page = client.get(response.url)
    assert "Bekræft, at det er dig" in page.text

    session_before = client.cookies["sessionid"].value
    verified = client.post(VERIFY_URL, {"code": app_code(app_key), "next": "/admin/pages/"})
    assert verified.url == "/admin/pages/"
    assert client.cookies["sessionid"].value != session_before  # as after a login
    assert opens_admin(client)


@pytest.mark.django_db
def test_a_wrong_code_is_refused_in_danish(client, app_key):
    log_in(client)
    response = client.post(VERIFY_URL, {"code": wrong_code(app_key)})
    assert response.status_code == 200
    assert WRONG_CODE in response.text
    assert not opens_admin(client)
    # Guessing on is slowed down: after ten wrong codes, even the right one waits 8 minutes.
    TOTPDevice.objects.update(throttling_failure_count=10)
    again = client.post(VERIFY_URL, {"code": app_code(app_key)})
    assert "For mange forkerte koder" in again.text
    assert not opens_admin(client)


@pytest.mark.django_db
def test_the_code_field_brings_the_number_keyboard_and_backup_codes_the_full_one(
    client, app_key, backup_codes
):
    log_in(client)
    app_field = soup(client.get(VERIFY_URL)).select_one("input[name=code]")
    assert app_field["autocomplete"] == "one-time-code"
    assert app_field["inputmode"] == "numeric"
    page = soup(client.get(VERIFY_URL))
    switch = page.find("a", string="Har du ikke telefonen? Brug en reservekode")
    backup_page = soup(client.get(switch["href"]))
    backup_field = backup_page.select_one("input[name=code]")
    assert "inputmode" not in backup_field.attrs  # backup codes have letters too
    assert (
        backup_page.select_one("label[for=id_code]").get_text(strip=True).startswith("Reservekode")
    )
    # The backup code form posts to its own address and lets the editor in.
    form = backup_page.select_one("form[method=post]")
    done = client.post(form["action"], {"code": backup_codes[0], "next": "/admin/pages/"})
    assert done.url == "/admin/pages/"
    assert opens_admin(client)


@pytest.mark.django_db
def test_a_backup_code_works_once(client, backup_codes):
    assert len(set(backup_codes)) == 10
    log_in(client)
    client.post(VERIFY_URL, {"code": backup_codes[0]})
    assert opens_admin(client)

    client.post("/admin/logout/")
    log_in(client)
    refused = client.post(VERIFY_URL, {"code": backup_codes[0]})
    assert WRONG_CODE in refused.text
    assert not opens_admin(client)


@pytest.mark.django_db
def test_setup_from_konto_confirms_only_with_a_code_from_the_app(procesleder_client, procesleder):
    account = procesleder_client.get("/admin/account/")
    assert f'href="{SETUP_URL}"' in account.text
    assert "To-trinsbekræftelse" in account.text

    page = procesleder_client.get(SETUP_URL).text
    assert "<svg" in page and "QR-kode" in page  # drawn in the page, not fetched from anywhere
    secret = re.search(r"Nøgle: <code>([A-Z2-7 ]+)</code>", page).group(1)
    key = b32decode(secret.replace(" ", ""))  # what the editor types into the app

    refused = procesleder_client.post(SETUP_URL, {"code": wrong_code(key)})
    assert WRONG_CODE in refused.text
    assert not two_factor.has_two_factor(procesleder)

    a_moment_later()
    confirmed = procesleder_client.post(SETUP_URL, {"code": app_code(key)})
    assert "To-trinsbekræftelse er slået til" in confirmed.text
    shown = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", confirmed.text)
    assert len(shown) == 10
    assert two_factor.has_two_factor(procesleder)
    # This session gave the code; the codes are not shown again.
    assert opens_admin(procesleder_client)
    assert shown[0] not in procesleder_client.get(SETUP_URL).text
    assert two_factor.verified_device(procesleder, shown[0]) is not None


@pytest.mark.django_db
def test_when_required_a_procesleder_without_a_device_must_set_it_up(
    procesleder_client, procesleder, settings
):
    settings.FAXEIF_REQUIRE_2FA = True
    response = procesleder_client.get("/admin/pages/")
    assert response.url == SETUP_URL
    assert not opens_admin(procesleder_client)
    page = procesleder_client.get(SETUP_URL)
    assert page.status_code == 200
    assert "Du skal slå to-trinsbekræftelse til" in page.text

    key = TOTPDevice.objects.get(user=procesleder).bin_key
    procesleder_client.post(SETUP_URL, {"code": app_code(key)})
    assert opens_admin(procesleder_client)


@pytest.mark.django_db
def test_when_required_superusers_too_but_not_other_editors(client, settings, django_user_model):
    settings.FAXEIF_REQUIRE_2FA = True
    admin = django_user_model.objects.create_superuser("admin", password=PASSWORD)
    client.force_login(admin)
    assert client.get("/admin/pages/").url == SETUP_URL

    # An editor of another group than Procesleder, with access to the admin.
    editors = Group.objects.create(name="Skribenter")
    editors.permissions.add(Permission.objects.get(codename="access_admin"))
    editor = django_user_model.objects.create_user("redaktoer", password=PASSWORD)
    editor.groups.add(editors)
    client.force_login(editor)
    assert opens_admin(client)


@pytest.mark.django_db
def test_without_the_requirement_nobody_is_sent_to_setup(procesleder_client, settings):
    settings.FAXEIF_REQUIRE_2FA = False
    assert opens_admin(procesleder_client)


@pytest.mark.django_db
def test_a_lost_phone_is_replaced_with_a_code_from_an_administrator(client, procesleder, app_key):
    out = StringIO()
    call_command("addstatictoken", "procesleder", stdout=out)
    log_in(client)
    client.post(VERIFY_URL, {"code": out.getvalue().strip()})
    assert opens_admin(client)

    page = client.get(SETUP_URL).text
    assert "Ny telefon" in page
    new_key = b32decode(
        re.search(r"Nøgle: <code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    )
    replaced = client.post(SETUP_URL, {"code": app_code(new_key)})
    assert "Den nye telefon er sat op" in replaced.text
    assert TOTPDevice.objects.get(user=procesleder, confirmed=True).bin_key == new_key != app_key


@pytest.mark.django_db
def test_new_backup_codes_replace_the_old_ones(client, procesleder, backup_codes):
    log_in(client)
    client.post(VERIFY_URL, {"code": backup_codes[0]})
    page = client.post(SETUP_URL, {"action": "new_backup_codes"})
    new_codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.text)
    assert len(new_codes) == 10
    client.post("/admin/logout/")
    log_in(client)
    refused = client.post(VERIFY_URL, {"code": backup_codes[1]})
    assert WRONG_CODE in refused.text
    a_moment_later()
    client.post(VERIFY_URL, {"code": new_codes[0]})
    assert opens_admin(client)


@pytest.mark.django_db
def test_only_editors_who_need_not_use_it_can_switch_it_off(
    client, procesleder, backup_codes, settings
):
    settings.FAXEIF_REQUIRE_2FA = True
    log_in(client)
    client.post(VERIFY_URL, {"code": backup_codes[0]})
    assert "Slå to-trinsbekræftelse fra" not in client.get(SETUP_URL).text
    client.post(SETUP_URL, {"action": "disable"})
    assert two_factor.has_two_factor(procesleder)

    settings.FAXEIF_REQUIRE_2FA = False
    client.post(SETUP_URL, {"action": "disable"})
    assert not two_factor.has_two_factor(procesleder)
    assert opens_admin(client)


# Two-factor authentication outside the admin: a session that has given only the password is
# anonymous on the site until the code is given.

LOGIN = PageViewRestriction.LOGIN


@pytest.fixture
def members_only(seeded):
    """What only logged-in users may see: a page, an activity's calendar file and a document in
    a collection, each restricted to logged-in users in the admin (Privatliv)."""
    page = seeded["home"].add_child(
        instance=ContentPage(
            title="Kun for ledere", slug="kun-for-ledere", introduction="Referat af lederforum."
        )
    )
    page.save_revision().publish()
    start = days_ahead(20)
    activity = publish_activity(
        "Internt lederforum", "internt-lederforum", start, end=start + timedelta(hours=3)
    )
    for restricted in (page, activity):
        PageViewRestriction.objects.create(page=restricted, restriction_type=LOGIN)
    collection = Collection.get_first_root_node().add_child(name="Interne dokumenter")
    CollectionViewRestriction.objects.create(collection=collection, restriction_type=LOGIN)
    document = get_document_model().objects.create(
        title="Referat",
        file=ContentFile(b"%PDF-1.4\n% referat\n", name="referat.pdf"),
        collection=collection,
    )
    return {"page": page.url, "calendar": activity.calendar_url(), "document": document.url}


def sees(client, url: str) -> bool:
    """Whether the content is shown, or the visitor is sent to log in."""
    response = client.get(url)
    if response.status_code == 302:
        assert response.url.startswith(f"{FRONTEND_LOGIN_URL}?next="), url
        return False
    assert response.status_code == 200, url
    return True


def has_userbar(client) -> bool:
    return "wagtail-userbar" in client.get("/").text


@pytest.mark.django_db
def test_before_the_code_an_editor_sees_only_what_visitors_see(client, app_key, members_only):
    log_in(client)  # the password, not yet the code
    for what, url in members_only.items():
        assert not sees(client, url), what
    assert not has_userbar(client)

    client.post(VERIFY_URL, {"code": app_code(app_key)})
    for what, url in members_only.items():
        assert sees(client, url), what
    assert "Referat af lederforum" in client.get(members_only["page"]).text
    assert "BEGIN:VCALENDAR" in client.get(members_only["calendar"]).content.decode()
    assert has_userbar(client)


@pytest.mark.django_db
def test_restricted_content_asks_such_an_editor_for_the_code_then_shows_it(
    client, app_key, members_only
):
    log_in(client)
    document = members_only["document"]
    login = client.get(document)
    asked = client.get(login.url)  # the site's login page: the password is given, the code not
    assert asked.url == f"{VERIFY_URL}?next={quote(document, safe='')}"
    assert "Bekræft, at det er dig" in client.get(asked.url).text

    shown = client.post(VERIFY_URL, {"code": app_code(app_key), "next": document})
    assert shown.url == document
    assert client.get(document).getvalue().startswith(b"%PDF")


@pytest.mark.django_db
def test_the_site_login_leads_an_editor_with_two_factor_to_the_code_not_round_again(
    client, app_key, members_only
):
    page = members_only["page"]
    login_url = client.get(page).url
    assert login_url == f"{FRONTEND_LOGIN_URL}?next={page}"
    form = client.get(login_url)
    assert form.status_code == 200 and 'name="password"' in form.text

    response = client.post(
        FRONTEND_LOGIN_URL, {"username": "procesleder", "password": PASSWORD, "next": page}
    )
    assert response.url == f"{VERIFY_URL}?next={quote(page, safe='')}"
    assert not sees(client, page)
    assert client.get(login_url).url == response.url  # back to the code, not to the password

    client.post(VERIFY_URL, {"code": app_code(app_key), "next": page})
    assert sees(client, page)


@pytest.mark.django_db
def test_when_required_an_editor_without_a_device_is_anonymous_until_it_is_set_up(
    procesleder_client, procesleder, members_only, settings
):
    settings.FAXEIF_REQUIRE_2FA = True
    page = members_only["page"]
    assert not sees(procesleder_client, page)
    assert not has_userbar(procesleder_client)
    login = procesleder_client.get(procesleder_client.get(page).url)
    assert login.url == SETUP_URL
    assert "Du skal slå to-trinsbekræftelse til" in procesleder_client.get(SETUP_URL).text

    key = TOTPDevice.objects.get(user=procesleder).bin_key
    procesleder_client.post(SETUP_URL, {"code": app_code(key)})
    assert sees(procesleder_client, page)
    assert has_userbar(procesleder_client)
