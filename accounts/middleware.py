from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse

from .two_factor import has_two_factor, must_use_two_factor

# Admin views open to an editor who has signed in with the password only: the way in and out,
# and what the admin's own pages load (icons, translations).
OPEN_BEFORE_SECOND_FACTOR = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_sprite",
    "wagtailadmin_javascript_catalog",
    "accounts_verify",
}
OPEN_DURING_SETUP = OPEN_BEFORE_SECOND_FACTOR | {"accounts_two_factor"}


class TwoFactorMiddleware:
    """Keeps the admin closed to an editor who has signed in with the password but not with the
    second factor: with a device, every admin page leads to the code page; without one but
    required to have one (FAXEIF_REQUIRE_2FA), to the set-up page. Goes after django-otp's
    OTPMiddleware, which tells whether this session has given a code."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not user.is_verified()
            and request.path_info.startswith(reverse("wagtailadmin_home"))
        ):
            if response := second_factor_response(request, user):
                return response
        return self.get_response(request)


def second_factor_response(request, user):
    view_name = _view_name(request)
    if has_two_factor(user):
        if view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        query = urlencode({"next": request.get_full_path()})
        return redirect(f"{reverse('accounts_verify')}?{query}")
    if must_use_two_factor(user) and view_name not in OPEN_DURING_SETUP:
        messages.warning(
            request, "Du skal slå to-trinsbekræftelse til, før du kan bruge administrationen."
        )
        return redirect("accounts_two_factor")
    return None


def _view_name(request) -> str | None:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return None
