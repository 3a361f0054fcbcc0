from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The editors' accounts: throttled logins and password resets, two-factor authentication
    (TOTP with backup codes, on django-otp) and who must use it."""

    name = "accounts"
    verbose_name = "Konti"
