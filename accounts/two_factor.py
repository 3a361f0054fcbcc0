"""Two-factor authentication for editors on django-otp: a TOTP device (an authenticator app) and
single-use backup codes (a static device), and who must use it."""

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import devices_for_user, user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

# Members of these groups (and superusers) must use two-factor authentication when
# FAXEIF_REQUIRE_2FA is on.
REQUIRED_GROUPS = ("Procesleder",)
BACKUP_CODE_COUNT = 10
APP_CODE_DIGITS = 6  # django-otp's TOTPDevice default; backup codes are 8 letters and digits
APP_DEVICE_NAME = "Godkendelses-app"
BACKUP_DEVICE_NAME = "Reservekoder"


def has_two_factor(user) -> bool:
    return user_has_device(user, confirmed=True)


def must_use_two_factor(user) -> bool:
    if not settings.FAXEIF_REQUIRE_2FA:
        return False
    return user.is_superuser or user.groups.filter(name__in=REQUIRED_GROUPS).exists()


# What an editor who has given the password must still do before being logged in.
GIVE_CODE = "give_code"
SET_UP = "set_up"


def missing_step(user) -> str | None:
    """GIVE_CODE for an editor with a confirmed device, SET_UP for one who must have one and
    has none, None when the password is enough. (Whether this session has already given the
    code is django-otp's user.is_verified().)"""
    if has_two_factor(user):
        return GIVE_CODE
    if must_use_two_factor(user):
        return SET_UP
    return None


def pending_app_device(user) -> TOTPDevice:
    """The device being set up: the same one on each visit to the set-up page, so a code from
    the QR code scanned earlier still confirms it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The key as authenticator apps ask for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> str:
    """The set-up address as an inline SVG QR code, drawn here: the secret goes to no one."""
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, dark="#000", light="#fff", title="QR-kode til godkendelses-appen"
    )


def normalize_code(code: str) -> str:
    return "".join(code.split()).lower()


@transaction.atomic  # devices are locked while a code is checked (django-otp's for_verify)
def verified_device(user, code: str):
    """The user's confirmed device that accepts the code (an app's code or a backup code, which
    is used up by this), or None."""
    code = normalize_code(code)
    # Only the kind of device the code is for: a wrong guess at one kind should not make the
    # other kind wait (django-otp throttles each device on its wrong codes).
    kind = TOTPDevice if code.isdigit() and len(code) == APP_CODE_DIGITS else StaticDevice
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        if isinstance(device, kind) and device.verify_token(code):
            return device
    return None


def is_throttled(user) -> bool:
    """Whether the user's devices still wait after a recent wrong code (django-otp's delay)."""
    return any(
        not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=True)
    )


@transaction.atomic
def confirm_app_device(device: TOTPDevice) -> list[str]:
    """Confirm the app device, replacing any earlier one, and issue fresh backup codes."""
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_backup_codes(device.user)


@transaction.atomic
def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes; the new ones are returned to be shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


@transaction.atomic
def remove_two_factor(user) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
