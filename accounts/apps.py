from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The editors' accounts: throttled logins and password resets, two-factor authentication
    (TOTP with backup codes, on django-otp) and who must use it, and sign-in with the
    municipality's account (OpenID Connect, accounts/sso.py)."""

    name = "accounts"
    verbose_name = "Konti"
