from django.apps import AppConfig
from wagtail.users.apps import WagtailUsersAppConfig


class AccountsConfig(AppConfig):
    """The editors' accounts: throttled logins and password resets, two-factor authentication
    (TOTP with backup codes, on django-otp) and who must use it, and sign-in with the
    municipality's account (OpenID Connect, accounts/sso.py)."""

    default = True  # of the two configs here, the one for "accounts"
    name = "accounts"
    verbose_name = "Konti"


class UsersConfig(WagtailUsersAppConfig):
    """wagtail.users, with the user list's column of sign-in methods (accounts/users.py)."""

    default = False
    user_viewset = "accounts.users.UserViewSet"
