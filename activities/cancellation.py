"""Cancelling from the e-mail: the link in the person's confirmation (and seat) mail, and the
page it opens, a route of the activity page. The work itself is activities/signups.py cancel."""

from urllib.parse import urlencode

from django.utils.cache import add_never_cache_headers
from wagtail.contrib.routable_page.models import RoutablePageMixin, path

from .signups import SignUp, cancel

# The query parameter (and form field) that carries the cancel link's signed token.
CANCEL_PARAMETER = "afmelding"


class CancelRouteMixin(RoutablePageMixin):
    """An activity's cancel page at tilmelding/afmeld/?afmelding=<token>."""

    def cancel_url(self, signup, request=None) -> str:
        url = self.get_url(request) + self.reverse_subpage("signup_cancel")
        return url + "?" + urlencode({CANCEL_PARAMETER: signup.cancel_token()})

    @path("tilmelding/afmeld/", name="signup_cancel")
    def signup_cancel(self, request):
        """GET asks to confirm; only POST cancels, since mail scanners and link previews open
        the links in e-mails. The signed token is the authority, so the form carries it and
        nothing else: no CSRF token or cookie (activities/urls.py says why none is needed)."""
        data = request.POST if request.method == "POST" else request.GET
        token = data.get(CANCEL_PARAMETER, "")
        valid, registration = SignUp.from_cancel_token(token, self)
        cancelled = False
        if request.method == "POST" and registration is not None:
            cancelled = cancel(registration.pk, self.pk, request.build_absolute_uri("/"))
            if not cancelled:  # someone else's click with the same link came first
                registration = None
        response = self.render(
            request,
            template="activities/cancel_page.html",
            context_overrides={
                "valid": valid,
                "registration": registration,
                "cancelled": cancelled,
                "token": token,
                "token_parameter": CANCEL_PARAMETER,
                "breadcrumb_title": "Afmelding",
            },
        )
        if not valid:
            response.status_code = 404
        # It shows (and acts on) the visitor's own sign-up: never kept in any cache.
        add_never_cache_headers(response)
        return response
