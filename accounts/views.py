import logging
from urllib.parse import urlencode

import requests
from django.contrib import auth, messages
from django.contrib.auth.views import LoginView
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, View
from django_otp import login as otp_login
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from wagtail.admin.views.account import LogoutView as WagtailLogoutView
from wagtail.admin.views.account import PasswordResetView as WagtailPasswordResetView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from . import sso, two_factor
from .forms import BackupCodeForm, CodeForm, SetupCodeForm, SiteLoginForm
from .throttle import allow_password_reset, reset_refused_message

logger = logging.getLogger(__name__)

WRONG_CODE = "Koden er forkert eller udløbet. Prøv igen med den kode, appen viser nu."
# django-otp slows down guessing: after each wrong code a device accepts none for a while (1, 2,
# 4, ... seconds).
THROTTLED = "For mange forkerte koder. Vent et øjeblik, og prøv så igen."


def mark_verified(request, device) -> None:
    """This session has given the second factor; it gets a new key, as at a login, so that a
    session key seen before this moment does not carry the new trust."""
    otp_login(request, device)
    request.session.cycle_key()


def second_factor_redirect(request, step: str, next_url: str):
    """Where an editor who has given the password goes next (step: two_factor.missing_step):
    to the code page, which then opens next_url, or to the set-up page."""
    if step == two_factor.GIVE_CODE:
        return redirect(f"{reverse('accounts_verify')}?{urlencode({'next': next_url})}")
    messages.warning(
        request, "Du skal slå to-trinsbekræftelse til, før du kan bruge administrationen."
    )
    return redirect("accounts_two_factor")


class SiteLoginView(LoginView):
    """The site's login page (/_util/login/), where Wagtail sends visitors of login-restricted
    pages and documents; in place of Wagtail's bare, English one. A locked-out username gets
    the admin's Danish message; after the password, an editor with two-factor authentication
    gives the code; then the visitor returns to the page they came from (`next`), or, when
    `next` is missing or leads off the site, to the home page."""

    template_name = "accounts/login.html"
    form_class = SiteLoginForm
    # Where a missing or unsafe `next` leads: Django's default is /accounts/profile/, which
    # this site does not have.
    next_page = "/"

    def form_valid(self, form):
        response = super().form_valid(form)
        if step := two_factor.missing_step(form.get_user()):
            return second_factor_redirect(self.request, step, self.get_success_url())
        return response


class VerifyView(FormView):
    """The second step of signing in: a code from the app or a backup code."""

    template_name = "accounts/verify.html"

    def with_backup_code(self) -> bool:
        return "reservekode" in self.request.GET

    def get_form_class(self):
        return BackupCodeForm if self.with_backup_code() else CodeForm

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or not two_factor.has_two_factor(request.user):
            return redirect("wagtailadmin_login")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        if two_factor.is_throttled(user):
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        device = two_factor.verified_device(user, form.cleaned_data["code"])
        if device is None:
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        mark_verified(self.request, device)
        return redirect(self.next_url())

    def next_url(self) -> str:
        url = self.request.POST.get("next") or self.request.GET.get("next", "")
        if url_has_allowed_host_and_scheme(url, {self.request.get_host()}, require_https=False):
            return url
        return reverse("wagtailadmin_home")

    def get_context_data(self, **kwargs):
        next_url = self.request.POST.get("next") or self.request.GET.get("next", "")
        return super().get_context_data(
            next=next_url, with_backup_code=self.with_backup_code(), **kwargs
        )


class TwoFactorView(WagtailAdminTemplateMixin, FormView):
    """Set-up and status of the editor's own two-factor authentication (Konto → Flere
    handlinger): a QR code and the secret to type in, confirmed by a code from the app; then
    the backup codes, shown once."""

    template_name = "accounts/two_factor.html"
    form_class = SetupCodeForm
    page_title = "To-trinsbekræftelse"
    header_icon = "key"

    def get_breadcrumbs_items(self):
        return super().get_breadcrumbs_items() + [
            {"url": reverse("wagtailadmin_account"), "label": "Konto"},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["enabled"] = two_factor.has_two_factor(user)
        context["required"] = two_factor.must_use_two_factor(user)
        # Also when enabled: a new phone is set up the same way, and replaces the old one.
        device = two_factor.pending_app_device(user)
        context["qr_code"] = two_factor.qr_code_svg(device)
        context["secret"] = two_factor.secret_text(device)
        return context

    def post(self, request, *args, **kwargs):
        if "action" in request.POST and two_factor.has_two_factor(request.user):
            return self.manage(request)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = self.request.user
        replacing = two_factor.has_two_factor(user)
        device = two_factor.pending_app_device(user)
        if not device.verify_is_allowed()[0]:
            form.add_error("code", THROTTLED)
            return self.form_invalid(form)
        if not device.verify_token(form.cleaned_data["code"]):
            form.add_error("code", WRONG_CODE)
            return self.form_invalid(form)
        codes = two_factor.confirm_app_device(device)
        mark_verified(self.request, device)
        messages.success(
            self.request,
            "Den nye telefon er sat op." if replacing else "To-trinsbekræftelse er slået til.",
        )
        return self.show_backup_codes(codes)

    def manage(self, request):
        """The actions on an enabled set-up: new backup codes, or switching it off."""
        action = request.POST.get("action")
        if action == "new_backup_codes":
            return self.show_backup_codes(two_factor.new_backup_codes(request.user))
        if action == "disable" and not two_factor.must_use_two_factor(request.user):
            two_factor.remove_two_factor(request.user)
            messages.success(request, "To-trinsbekræftelse er slået fra.")
        return redirect("accounts_two_factor")

    def show_backup_codes(self, codes):
        # Rendered in the answer to the POST, never stored for a later page: shown this once.
        context = self.get_context_data(backup_codes=codes)
        return TemplateResponse(self.request, "accounts/backup_codes.html", context)


class PasswordResetView(WagtailPasswordResetView):
    """Wagtail's password reset, throttled like logins: the same answer for every address."""

    def form_valid(self, form):
        if not allow_password_reset(self.request, form.cleaned_data["email"]):
            form.add_error(None, reset_refused_message())
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class ProviderSignInView(sso.ProviderSettings, OIDCAuthenticationRequestView):
    """ "Log ind med kommunens konto": on to the provider, with state, nonce and the PKCE
    challenge kept in the session (mozilla-django-oidc)."""

    def __init__(self, **kwargs):
        # Not mozilla-django-oidc's __init__, which reads the endpoints before get() can
        # answer a provider that is down.
        View.__init__(self, **kwargs)

    def get(self, request):
        if not sso.sso_enabled():
            raise Http404
        try:
            return super().get(request)
        except requests.RequestException as error:
            logger.warning("Sign-in provider unreachable: %s", error)
            messages.error(request, sso.PROVIDER_DOWN)
            return redirect("wagtailadmin_login")


class ProviderCallbackView(sso.ProviderSettings, OIDCAuthenticationCallbackView):
    """Where the provider sends the editor back: the code is exchanged for tokens, which
    accounts.sso checks. Anything refused ends on the admin's login page with a Danish
    message, logged out."""

    @property
    def failure_url(self):
        return reverse("wagtailadmin_login")

    @property
    def success_url(self):
        return self.request.session.get("oidc_login_next") or reverse("wagtailadmin_home")

    def get(self, request):
        if not sso.sso_enabled():
            raise Http404
        state = request.GET.get("state")
        if "code" in request.GET and state not in request.session.get("oidc_states", {}):
            # Used before (mozilla-django-oidc forgets a state once answered), or never ours.
            return self.refuse(sso.USED_ANSWER, "unknown or used state")
        try:
            return super().get(request)
        except sso.SignInRefused as refusal:
            return self.refuse(refusal.message, refusal.reason)
        except SuspiciousOperation as error:  # the nonce, or no key for the token
            return self.refuse(sso.INVALID_ANSWER, str(error))
        except requests.HTTPError as error:  # the token endpoint's refusal, or its failure
            status = error.response.status_code if error.response is not None else 0
            message = sso.INVALID_ANSWER if 400 <= status < 500 else sso.PROVIDER_DOWN
            return self.refuse(message, f"{error.request.url} answered {status}")
        except (requests.RequestException, ValueError) as error:
            return self.refuse(sso.PROVIDER_DOWN, str(error))

    def login_success(self):
        # One transaction for the login's writes (last_login, the session): on SQLite it waits
        # its turn to write, as a single statement would not (faxeif/sqlite/base.py).
        with transaction.atomic():
            response = super().login_success()
            sso.remember_sign_in(self.request, self.user)
            self.request.session.save()
        return response

    def login_failure(self):
        """The provider answered with an error (the editor cancelled, or a silent re-check
        found the session there ended), or the answer lacks its code or state. (An inactive
        account is refused by accounts.sso before this.)"""
        error = self.request.GET.get("error")
        if error in {"login_required", "interaction_required"}:
            message = sso.PROVIDER_SESSION_ENDED
        elif error:
            message = sso.CANCELLED
        else:
            message = sso.INVALID_ANSWER
        return self.refuse(message, f"provider answered {error or 'without a code or state'}")

    def refuse(self, message: str, reason: str):
        logger.warning("Sign-in through the provider refused: %s", reason)
        if self.request.user.is_authenticated:
            auth.logout(self.request)
        messages.error(self.request, message)
        return HttpResponseRedirect(self.failure_url)


class LogoutView(WagtailLogoutView):
    """Wagtail's logout; an editor who signed in through the provider is then logged out
    there too (its end-session page, which leads back to the login page)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get(sso.ID_TOKEN_SESSION_KEY)
        response = super().post(request, *args, **kwargs)
        if id_token and (url := sso.provider_logout_url(request, id_token)):
            return HttpResponseRedirect(url)
        return response


site_login = SiteLoginView.as_view()
verify = sensitive_post_parameters("code")(VerifyView.as_view())
two_factor_setup = sensitive_post_parameters("code")(TwoFactorView.as_view())
password_reset = PasswordResetView.as_view()
provider_sign_in = ProviderSignInView.as_view()
provider_callback = ProviderCallbackView.as_view()
logout = LogoutView.as_view()
