from django.contrib.auth.models import AnonymousUser
from django.urls import Resolver404, resolve, reverse

from .two_factor import GIVE_CODE, SET_UP, missing_step
from .views import second_factor_redirect

# Admin views open to an editor who has signed in with the password only: the way in and out,
# and what the admin's own pages load (icons, translations); during set-up, the set-up page.
OPEN_BEFORE_SECOND_FACTOR = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "accounts_verify",
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

    Goes after django-otp's OTPMiddleware, which tells whether this session has given a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified():
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
