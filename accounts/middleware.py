import logging

import requests
from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve, reverse
from django.utils.deprecation import MiddlewareMixin
from django.utils.functional import cached_property
from mozilla_django_oidc.middleware import SessionRefresh

from . import sso
from .two_factor import GIVE_CODE, SET_UP, missing_step
from .views import second_factor_redirect

logger = logging.getLogger(__name__)

# Admin views open to an editor who has signed in with the password only: the way in and out,
# and what the admin's own pages load (icons, translations); during set-up, the set-up page.
OPEN_BEFORE_SECOND_FACTOR = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "accounts_verify",
    # Signing in with the municipality's account instead.
    "oidc_authentication_init",
    "oidc_authentication_callback",
}
OPEN_VIEWS = {
    GIVE_CODE: OPEN_BEFORE_SECOND_FACTOR,
    SET_UP: OPEN_BEFORE_SECOND_FACTOR | {"accounts_two_factor"},
}


class TwoFactorMiddleware:
    """A session that has given the password but not the second factor (an editor with a
    device, or one who must set one up under FAXEIF_REQUIRE_2FA) is not logged in yet:

    - in the admin, every page leads to the code page (or the set-up page);
    - the site's login page, where login-restricted pages and documents send visitors, leads
      there too, with the address the visitor wanted, which the code then opens;
    - everywhere else the session is anonymous: no login-restricted pages, calendar files or
      documents, no user bar.

    A sign-in through the municipality's provider that did multi-factor authentication (the ID
    token's amr/acr, accounts.sso) needs no code here.

    Goes after django-otp's OTPMiddleware, which tells whether this session has given a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        # The provider's multi-factor authentication counts as the second factor.
        if user.is_authenticated and not user.is_verified() and not sso.provider_did_mfa(request):
            if step := missing_step(user):
                if response := self.before_second_factor(request, step):
                    return response
        return self.get_response(request)

    def before_second_factor(self, request, step: str):
        path = request.path_info
        if path.startswith(reverse("wagtailadmin_home")):
            if _view_name(request) in OPEN_VIEWS[step]:
                return None
            return second_factor_redirect(request, step, request.get_full_path())
        if path == reverse("wagtailcore_login"):
            # The code page checks that `next` stays on this site.
            return second_factor_redirect(request, step, request.GET.get("next", "/"))
        _make_anonymous(request)
        return None


def _make_anonymous(request) -> None:
    anonymous = AnonymousUser()
    # What django-otp's middleware gives every user.
    anonymous.otp_device = None
    anonymous.is_verified = lambda: False

    async def auser():
        return anonymous

    request.user = anonymous
    request.auser = auser


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None


class ProviderSessionCheck(sso.ProviderSettings, SessionRefresh):
    """mozilla-django-oidc's session refresh, for sessions begun at the municipality's sign-in
    provider: when an admin page is opened more than OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS after
    the last check, the browser goes by the provider with prompt=none and comes straight back,
    with fresh claims (the role is read again) when the provider's session lives, logged out
    when it has ended or the account is closed. Only whole-page GETs in the admin: a fetch or
    a frame (the preview panel, choosers) cannot follow a redirect to another site."""

    def __init__(self, get_response):
        # Not SessionRefresh's __init__, which reads (and discovers) the endpoints at start.
        MiddlewareMixin.__init__(self, get_response)
        self.OIDC_EXEMPT_URLS = []
        self.OIDC_STATE_SIZE = self.get_settings("OIDC_STATE_SIZE", 32)
        self.OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
        self.OIDC_RP_SCOPES = self.get_settings("OIDC_RP_SCOPES")
        self.OIDC_USE_NONCE = self.get_settings("OIDC_USE_NONCE", True)
        self.OIDC_NONCE_SIZE = self.get_settings("OIDC_NONCE_SIZE", 32)

    @cached_property
    def exempt_urls(self):
        return {
            reverse("oidc_authentication_init"),
            reverse("oidc_authentication_callback"),
            reverse("wagtailadmin_logout"),
        }

    def is_refreshable_url(self, request):
        return (
            sso.sso_enabled()
            and request.path_info.startswith(reverse("wagtailadmin_home"))
            and _is_page_navigation(request)
            and super().is_refreshable_url(request)
        )

    def process_request(self, request):
        try:
            return super().process_request(request)
        except requests.RequestException as error:
            # The provider's discovery document cannot be read: the session goes on here.
            logger.warning("Sign-in provider unreachable for a session check: %s", error)
            return None


def _is_page_navigation(request) -> bool:
    headers = request.headers
    return (
        headers.get("Sec-Fetch-Mode", "navigate") == "navigate"
        and headers.get("Sec-Fetch-Dest", "document") == "document"
        and "X-Requested-With" not in headers
    )
